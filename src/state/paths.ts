// Path normalisation as sinsp does it when it builds fd names from a cwd/dirfd and a relative
// name: "." and empty segments vanish, ".." pops a segment (never above "/").

export function concatPaths(base: string, name: string): string {
  const full = name.length > 0 && name.charCodeAt(0) === 47 ? name : (base.endsWith('/') || base === '' ? base + name : base + '/' + name);
  if (full.length === 0 || full.charCodeAt(0) !== 47) return full;
  // Fast path: nothing to normalise.
  if (full.indexOf('/.') < 0 && full.indexOf('//') < 0) return full;
  const out: string[] = [];
  const parts = full.split('/');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p === '' || p === '.') continue;
    if (p === '..') { out.pop(); continue; }
    out.push(p);
  }
  const trailing = full.endsWith('/') && out.length > 0 ? '/' : '';
  return '/' + out.join('/') + trailing;
}
