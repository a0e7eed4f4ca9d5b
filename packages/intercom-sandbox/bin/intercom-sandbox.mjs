#!/usr/bin/env node
// The package is TypeScript run through tsx (installed with the checkout's dev dependencies), like the product's own scripts.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
