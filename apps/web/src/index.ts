export { startConsole } from './console-app.js';
export type { RunningConsole } from './console-app.js';
export { parseConsoleArgs, DEFAULT_LISTEN } from './config/console-config.js';
export type { ConsoleConfig } from './config/console-config.js';
export type * from './events/ws-messages.js';
export { WS_PATH } from './events/ws-messages.js';
export type { HostView } from './hosts/host-view.js';
export type { RunRequest } from './containers/run-request.js';
