/** The dashboard's build: web/ into dist/web, served by the service at /. */
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("../dist/web", import.meta.url)),
    emptyOutDir: true,
    // The service's Content-Security-Policy allows no inline script: no polyfill injected inline.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1000,
  },
});
