import base from '../playwright.config';
import { defineConfig } from '@playwright/test';

// `make screenshots`: the page tour in this folder, against the server scripts/e2e.sh starts.
export default defineConfig({ ...base, testDir: '.' });
