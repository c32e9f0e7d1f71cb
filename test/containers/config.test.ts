import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { containerConfigFromPlugins } from '../../src/containers/config.js';
import { ContainerManager } from '../../src/containers/manager.js';

test('no container entry: built-in defaults', () => {
  for (const p of [undefined, null, [], [{ name: 'k8saudit' }]]) {
    const c = containerConfigFromPlugins(p);
    assert.deepEqual(c.options, {});
    assert.equal(c.alertWaitMs, 500);
    assert.deepEqual(c.errors, []);
  }
});

test("Falco's container plugin init_config carries over, plus kestrel's keys", () => {
  const y = parse(`
plugins:
  - name: k8saudit
  - name: container
    library_path: libcontainer.so
    init_config:
      label_max_len: 100
      with_size: false
      engines:
        docker: { enabled: false }
        podman: { enabled: true, sockets: [/run/podman/podman.sock, /run/user/1000/podman/podman.sock] }
        containerd: { enabled: true, sockets: [/run/k3s/containerd/containerd.sock] }
        cri: { enabled: true, sockets: [/run/crio/crio.sock] }
        lxc: { enabled: false }
      host_root: /host/
      containerd_state_dir: /run/k3s/containerd
      containerd_namespaces: [k8s.io]
      request_timeout_ms: 250
      alert_wait_ms: 0
`) as { plugins: unknown };
  const c = containerConfigFromPlugins(y.plugins);
  assert.deepEqual(c.errors, []);
  assert.deepEqual(c.options, {
    labelMaxLen: 100,
    requestTimeoutMs: 250,
    hostRoot: '/host',
    containerdNamespaces: ['k8s.io'],
    docker: false,
    podman: ['/host/run/podman/podman.sock', '/host/run/user/1000/podman/podman.sock'],
    cri: ['/host/run/crio/crio.sock'],
    containerd: { stateDir: '/host/run/k3s/containerd', socket: '/host/run/k3s/containerd/containerd.sock' },
  });
  assert.equal(c.alertWaitMs, 0);
});

test('init_config as a JSON string (Falco accepts both)', () => {
  const c = containerConfigFromPlugins([{ name: 'container', init_config: '{"engines":{"containerd":{"enabled":false}}}' }]);
  assert.deepEqual(c.errors, []);
  assert.deepEqual(c.options, { containerd: false });
});

test('bad values are reported with their key path; defaults stand in', () => {
  const c = containerConfigFromPlugins([{ name: 'container', init_config: {
    engines: { docker: { enabled: 'yes' }, cri: { sockets: '/run/crio/crio.sock' }, rkt: {} },
    request_timeout_ms: -5, label_max_len: 1.5, bogus: 1, host_root: 7,
  } }]);
  const e = c.errors.join('\n');
  assert.match(e, /plugins\[0\] \(container\)\.init_config\.bogus: unknown key/);
  assert.match(e, /engines\.docker\.enabled: expected true or false/);
  assert.match(e, /engines\.cri\.sockets: expected a list of non-empty strings/);
  assert.match(e, /engines\.rkt: unknown engine/);
  assert.match(e, /request_timeout_ms: expected an integer >= 10, got -5/);
  assert.match(e, /label_max_len: expected an integer >= 1, got 1.5/);
  assert.match(e, /host_root: expected a string/);
  assert.equal(c.options.requestTimeoutMs, undefined);
  assert.match(containerConfigFromPlugins([{ name: 'container', init_config: '{oops' }]).errors[0]!, /not valid JSON/);
  assert.match(containerConfigFromPlugins('x').errors[0]!, /plugins: expected a list/);
});

test('running_container_events: a boolean reaching the manager (default on); anything else is an error naming it', () => {
  const on = containerConfigFromPlugins([{ name: 'container', init_config: { running_container_events: true } }]);
  assert.deepEqual(on.errors, []);
  assert.deepEqual(on.options, { runningContainerEvents: true });
  const off = containerConfigFromPlugins([{ name: 'container', init_config: '{"running_container_events": false}' }]);
  assert.deepEqual(off.errors, []);
  assert.deepEqual(off.options, { runningContainerEvents: false });
  assert.equal(new ContainerManager({ ...off.options, docker: false, podman: false, containerd: false, cri: false }).runningContainerEvents, false);
  assert.equal(new ContainerManager({ docker: false, podman: false, containerd: false, cri: false }).runningContainerEvents, true);
  const bad = containerConfigFromPlugins([{ name: 'container', init_config: { running_container_events: 'no' } }]);
  assert.deepEqual(bad.errors, ['plugins[0] (container).init_config.running_container_events: expected true or false, got "no"']);
  assert.equal(bad.options.runningContainerEvents, undefined);
});
