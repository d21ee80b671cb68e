/// <reference types="vitest/config" />
import { defineConfig } from "vite";

// Preact through esbuild's automatic JSX runtime: no plugin needed.
export default defineConfig({
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // The strict CSP forbids inline script: keep Vite from inlining anything.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
  test: {
    environment: "happy-dom",
    include: ["tests/**/*.test.ts", "tests/**/*.test.tsx"],
    benchmark: { include: ["tests/**/*.bench.tsx"] },
  },
});
