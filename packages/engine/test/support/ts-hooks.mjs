// Loads the engine's TypeScript sources in a plain Node process or worker (Node 20 cannot strip types):
// `node --import ./ts-hooks.mjs`. Used where a test runs source code outside vitest, e.g. the layer unpack worker.
import { register } from 'node:module';

register('./ts-hooks-loader.mjs', import.meta.url);
