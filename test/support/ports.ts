// A loopback TCP port for a server that must be reachable at a port chosen in advance (a
// config file, or a receiver restarted on the same port). Ports from listen(0) come from the
// kernel's ephemeral range, which every outgoing connection of the parallel test files also
// draws from, so a port released and re-bound later can be taken meanwhile. These ports lie
// below that range (ip_local_port_range starts at 32768), are picked at random, and are
// checked free by binding once.
import net from 'node:net';
import { readFileSync } from 'node:fs';

function ephemeralLow(): number {
  try { return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768; } catch { return 32768; }
}

function tryListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

/** A currently free port in [10000, ephemeral low) on `host`. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const hi = Math.max(10001, ephemeralLow());
  for (let i = 0; i < 200; i++) {
    const port = 10000 + Math.floor(Math.random() * (hi - 10000));
    if (await tryListen(port, host)) return port;
  }
  throw new Error('no free port below the ephemeral range after 200 tries');
}
