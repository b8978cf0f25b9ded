/** The major number of a Linux device id (`st_rdev`), as glibc's `major()` decodes it. */
export function deviceMajor(rdev: number): number {
  const dev = BigInt(rdev);
  return Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
}

/** The minor number of a Linux device id (`st_rdev`), as glibc's `minor()` decodes it. */
export function deviceMinor(rdev: number): number {
  const dev = BigInt(rdev);
  return Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn & 0xffffffffn));
}
