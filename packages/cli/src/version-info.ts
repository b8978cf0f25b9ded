/** The CLI's own version, shown by `berth version` and `berth -v`. */
export const CLI_VERSION = '0.1.0';
