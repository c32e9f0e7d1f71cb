// The field table of the differential tests against sysdig 0.29.3, shared by the sample-capture
// test (fields.test.ts) and the live-capture test (live-capture.test.ts).

export const FIELDS = [
  // evt
  'evt.num', 'evt.time', 'evt.time.s', 'evt.datetime', 'evt.rawtime', 'evt.rawtime.s', 'evt.rawtime.ns',
  'evt.reltime', 'evt.reltime.s', 'evt.reltime.ns', 'evt.deltatime', 'evt.dir', 'evt.type', 'evt.cpu',
  'evt.args', 'evt.info', 'evt.res', 'evt.rawres', 'evt.failed', 'evt.is_io', 'evt.is_io_read', 'evt.is_io_write',
  'evt.io_dir', 'evt.is_wait', 'evt.latency', 'evt.buflen', 'evt.is_open_read', 'evt.is_open_write',
  'evt.is_open_exec', 'evt.is_syslog', 'syscall.type', 'evt.count', 'evt.arg.res', 'evt.arg.name', 'evt.arg.flags',
  'evt.arg[0]', 'evt.arg[1]', 'evt.rawarg.res', 'evt.arg.tuple', 'evt.arg.data',
  // process / thread
  'proc.name', 'proc.pid', 'proc.ppid', 'proc.pname', 'proc.exe', 'proc.exepath', 'proc.args', 'proc.cmdline',
  'proc.exeline', 'proc.cwd', 'proc.vpid', 'proc.vpgid', 'proc.sid', 'proc.tty', 'proc.aname[1]', 'proc.aname[2]', 'proc.apid[2]',
  'proc.pcmdline', 'proc.duration', 'proc.fdlimit', 'proc.fdopencount', 'proc.vmsize', 'proc.vmrss', 'proc.nthreads',
  'proc.is_exe_writable', 'proc.env', 'thread.tid', 'thread.vtid', 'thread.ismain', 'thread.cgroups',
  'thread.pfmajor', 'thread.pfminor', 'thread.vmsize', 'thread.vmrss',
  // fd / socket
  'fd.num', 'fd.type', 'fd.typechar', 'fd.name', 'fd.directory', 'fd.filename', 'fd.cip', 'fd.sip', 'fd.lip',
  'fd.rip', 'fd.cport', 'fd.sport', 'fd.lport', 'fd.rport', 'fd.l4proto', 'fd.sockfamily', 'fd.is_server',
  'fd.containername', 'fd.containerdirectory', 'fdlist.nums', 'fdlist.names',
  // user / group / container
  'user.uid', 'user.name', 'user.homedir', 'user.shell', 'user.loginuid', 'user.loginname', 'group.gid',
  'group.name', 'container.id',
];
