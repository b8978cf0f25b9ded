import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// The shared settings, plus the browser UI's unit tests beside its code (ui/src).
export default mergeConfig(shared, defineConfig({ test: { include: ['ui/src/**/*.test.ts'] } }));
