/** Injection tokens of values that are not classes (the console is built without decorator metadata). */
export const CONFIG = 'berth.console.config';
export const DB = 'berth.console.db';
