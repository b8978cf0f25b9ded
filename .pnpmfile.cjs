// Native addons (better-sqlite3) are built with node-gyp during `pnpm install`. node-gyp
// downloads Node's headers from nodejs.org unless told where they are, and these machines
// reach only the npm registry. pnpm 12 ignores `nodedir` in .npmrc, so hand it to the build
// scripts here, but only when the headers installed with this Node match its version.
const fs = require('node:fs');

function localNodeDir() {
  const prefix = '/usr';
  try {
    const h = fs.readFileSync(`${prefix}/include/node/node_version.h`, 'utf8');
    const v = ['MAJOR', 'MINOR', 'PATCH'].map((k) => h.match(new RegExp(`#define NODE_${k}_VERSION (\\d+)`))?.[1]);
    return `v${v.join('.')}` === process.version ? prefix : undefined;
  } catch {
    return undefined;
  }
}

module.exports = {
  hooks: {
    updateConfig(config) {
      const nodedir = process.env.npm_config_nodedir ?? localNodeDir();
      if (nodedir) config.extraEnv = { ...config.extraEnv, npm_config_nodedir: nodedir };
      return config;
    },
  },
};
