// The configuration schema: Falco's key names (falco-inventory.md §4, falco.yaml) with
// kestrel's defaults, plus a few kestrel extensions (marked "kestrel:"). The TypeScript type of
// the loaded config is inferred from this table, so the two cannot drift apart.

export type Schema =
  | { readonly t: 'bool'; readonly d: boolean }
  | { readonly t: 'int'; readonly d: number; readonly min?: number; readonly max?: number }
  | { readonly t: 'num'; readonly d: number; readonly min?: number; readonly max?: number }
  | { readonly t: 'str'; readonly d: string; readonly enum?: readonly string[]; readonly lower?: boolean }
  | { readonly t: 'duration'; readonly d: string; readonly minMs: number }
  | { readonly t: 'list'; readonly of: Schema; readonly d: readonly unknown[] }
  | { readonly t: 'obj'; readonly keys: { readonly [k: string]: Schema } }
  | { readonly t: 'map'; readonly of: Schema }
  | { readonly t: 'any'; readonly d: unknown };

const bool = <D extends boolean>(d: D) => ({ t: 'bool', d }) as const;
const int = (d: number, min?: number, max?: number) => ({ t: 'int', d, min, max }) as const;
const num = (d: number, min?: number, max?: number) => ({ t: 'num', d, min, max }) as const;
const str = (d: string) => ({ t: 'str', d }) as const;
const oneOf = <E extends string>(d: E, values: readonly E[], lower = false) => ({ t: 'str', d, enum: values, lower }) as const;
const list = <S extends Schema>(of: S, d: readonly unknown[] = []) => ({ t: 'list', of, d }) as const;
const obj = <K extends { readonly [k: string]: Schema }>(keys: K) => ({ t: 'obj', keys }) as const;
const map = <S extends Schema>(of: S) => ({ t: 'map', of }) as const;
const any = (d: unknown) => ({ t: 'any', d }) as const;
const duration = (d: string, minMs: number) => ({ t: 'duration', d, minMs }) as const;

export const PRIORITY_NAMES = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'informational', 'info', 'debug'] as const;
export const LOG_LEVELS = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'] as const;
export const DROP_ACTIONS = ['ignore', 'log', 'alert', 'exit'] as const;

export const CONFIG_SCHEMA = obj({
  config_files: list(str('')),
  watch_config_files: bool(true),
  /** Empty: the engine's built-in default rules. */
  rules_files: list(str('')),
  engine: obj({
    // kmod/ebpf/gvisor are accepted so Falco's own falco.yaml loads; the engine reports them unsupported.
    kind: oneOf('modern_ebpf', ['modern_ebpf', 'replay', 'nodriver', 'kmod', 'ebpf', 'gvisor'] as const),
    kmod: obj({ buf_size_preset: int(4, 1, 10), drop_failed_exit: bool(false) }),
    ebpf: obj({ probe: str('${HOME}/.falco/falco-bpf.o'), buf_size_preset: int(4, 1, 10), drop_failed_exit: bool(false) }),
    gvisor: obj({ config: str(''), root: str('') }),
    modern_ebpf: obj({
      cpus_for_each_buffer: int(2, 0),
      buf_size_preset: int(4, 1, 10),
      /** kestrel: per-buffer size in KiB; 0 means "use buf_size_preset". */
      buffer_dim_kb: int(0, 0),
      drop_failed_exit: bool(false),
      disable_iterators: bool(false),
    }),
    replay: obj({ capture_file: str('') }),
  }),
  capture: obj({
    enabled: bool(false),
    path_prefix: str('/tmp/kestrel'),
    mode: oneOf('rules', ['rules', 'all_rules'] as const),
    default_duration: int(5000, 0),
    /** Hard cap on one recording's file, MiB (0 = none). kestrel: default 100 (Falco HEAD has the key; its default is not documented). */
    max_file_size_mb: int(100, 0),
  }),
  load_plugins: list(str('')),
  plugins: list(any(null)),
  plugins_hostinfo: bool(true),
  time_format_iso_8601: bool(false),
  buffer_format_base64: bool(false),
  priority: oneOf('debug', PRIORITY_NAMES, true),
  json_output: bool(false),
  json_include_output_property: bool(true),
  json_include_message_property: bool(false),
  json_include_output_fields_property: bool(true),
  json_include_tags_property: bool(true),
  buffered_outputs: bool(false),
  rule_matching: oneOf('first', ['first', 'all'] as const),
  outputs_queue: obj({
    /** Per output. 0 means kestrel's default bound (65536), never unbounded. */
    capacity: int(0, 0),
  }),
  append_output: list(obj({
    match: obj({ rule: str(''), source: str(''), tags: list(str('')) }),
    extra_output: str(''),
    extra_fields: list(any(null)),
    suggested_output: bool(false),
  })),
  static_fields: map(str('')),
  stdout_output: obj({ enabled: bool(true) }),
  syslog_output: obj({
    enabled: bool(true),
    /** kestrel: where to send: a unix socket path, udp://host:port or tcp://host:port. */
    address: str('/dev/log'),
    /** kestrel */
    format: oneOf('rfc3164', ['rfc3164', 'rfc5424'] as const),
    /** kestrel */
    facility: oneOf('user', ['kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
      'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'] as const),
    /** kestrel */
    tag: str('kestrel'),
  }),
  file_output: obj({ enabled: bool(false), keep_alive: bool(false), filename: str('./events.txt') }),
  http_output: obj({
    enabled: bool(false),
    url: str(''),
    user_agent: str('falcosecurity/falco'),
    insecure: bool(false),
    ca_cert: str(''),
    ca_bundle: str(''),
    ca_path: str('/etc/ssl/certs'),
    mtls: bool(false),
    client_cert: str('/etc/ssl/certs/client.crt'),
    client_key: str('/etc/ssl/certs/client.key'),
    echo: bool(false),
    compress_uploads: bool(false),
    keep_alive: bool(false),
    max_consecutive_timeouts: int(5, 0),
    /** kestrel: deadline for one POST. */
    timeout_ms: int(5000, 1),
    /** kestrel: retries of one alert before it is spooled or dropped. */
    retries: int(3, 0, 100),
    /** kestrel */
    retry_backoff_ms: int(200, 1),
    /** kestrel */
    max_backoff_ms: int(10000, 1),
    /** kestrel: POSTs in flight at once; 1 keeps alerts in order (Falco). */
    max_in_flight: int(1, 1, 64),
    /** kestrel: extra request headers (e.g. Authorization); never logged. */
    headers: map(str('')),
    /** kestrel: disk spool so a receiver that is away loses nothing. */
    spool: obj({ enabled: bool(false), path: str('/var/lib/kestrel/http_output.spool'), max_size_mb: int(256, 1) }),
  }),
  program_output: obj({ enabled: bool(false), keep_alive: bool(false), program: str("jq '{text: .output}'") }),
  webserver: obj({
    enabled: bool(true),
    threadiness: int(0, 0),
    listen_port: int(8765, 0, 65535),
    /** kestrel binds loopback by default (Falco: 0.0.0.0). */
    listen_address: str('127.0.0.1'),
    k8s_healthz_endpoint: str('/healthz'),
    /** kestrel serves /metrics by default (Falco: false); the server is loopback-only by default. */
    prometheus_metrics_enabled: bool(true),
    ssl_enabled: bool(false),
    ssl_certificate: str('/etc/kestrel/kestrel.pem'),
  }),
  log_stderr: bool(true),
  log_syslog: bool(false),
  log_level: oneOf('info', LOG_LEVELS, true),
  libs_logger: obj({ enabled: bool(false), severity: oneOf('info', ['fatal', 'critical', 'error', 'warning', 'notice', 'info', 'debug', 'trace'] as const, true) }),
  output_timeout: int(2000, 1),
  syscall_event_timeouts: obj({ max_consecutives: int(1000, 1) }),
  syscall_event_drops: obj({
    threshold: num(0.1, 0, 1),
    actions: list(oneOf('log', DROP_ACTIONS, true), ['log', 'alert']),
    rate: num(0.03333, 0),
    max_burst: int(1, 0),
    simulate_drops: bool(false),
  }),
  metrics: obj({
    enabled: bool(false),
    interval: duration('1h', 100),
    output_rule: bool(true),
    output_file: str(''),
    rules_counters_enabled: bool(true),
    resource_utilization_enabled: bool(true),
    state_counters_enabled: bool(true),
    kernel_event_counters_enabled: bool(true),
    kernel_event_counters_per_cpu_enabled: bool(false),
    libbpf_stats_enabled: bool(true),
    plugins_metrics_enabled: bool(true),
    kernel_iter_event_counters_enabled: bool(true),
    jemalloc_stats_enabled: bool(false),
    convert_memory_to_mb: bool(true),
    include_empty_values: bool(false),
  }),
  base_syscalls: obj({ custom_set: list(str('')), repair: bool(false), all: bool(false) }),
  falco_libs: obj({
    thread_table_size: int(262144, 1),
    thread_table_auto_purging_interval_s: int(300, 1),
    thread_table_auto_purging_thread_timeout_s: int(300, 1),
    snaplen: int(80, 0),
  }),
});

type Infer<S> =
  S extends { t: 'bool' } ? boolean
  : S extends { t: 'int' | 'num' } ? number
  : S extends { t: 'str'; enum: readonly (infer E)[] } ? E
  : S extends { t: 'str' | 'duration' } ? string
  : S extends { t: 'list'; of: infer O } ? Infer<O>[]
  : S extends { t: 'obj'; keys: infer K } ? { [P in keyof K]: Infer<K[P]> }
  : S extends { t: 'map'; of: infer O } ? Record<string, Infer<O>>
  : unknown;

export type KestrelConfig = Infer<typeof CONFIG_SCHEMA>;
