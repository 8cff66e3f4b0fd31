// Vite build of the jiuzhu web UI.  Element Plus components are imported on
// demand (unplugin-vue-components: only the components a template uses, with
// their CSS), ECharts through echarts/core with only the charts in use.  The
// build writes a .gz beside every text file: `jiuzhu serve` sends it to
// browsers that accept gzip (server/static.c).
import fs from 'node:fs'
import path from 'node:path'
import { gzipSync, constants } from 'node:zlib'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

function precompress() {
  let outDir
  const walk = (dir) =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = path.join(dir, e.name)
      return e.isDirectory() ? walk(p) : [p]
    })
  return {
    name: 'jiuzhu-precompress',
    apply: 'build',
    configResolved(c) {
      outDir = path.resolve(c.root, c.build.outDir)
    },
    closeBundle() {
      for (const f of walk(outDir)) {
        if (!/\.(js|mjs|css|html|svg|json|txt)$/.test(f)) continue
        const gz = gzipSync(fs.readFileSync(f), { level: constants.Z_BEST_COMPRESSION })
        fs.writeFileSync(f + '.gz', gz)
      }
    },
  }
}

export default defineConfig({
  base: '/',
  plugins: [
    vue(),
    Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false }),
    precompress(),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    // `npm run dev` against a `jiuzhu serve` on the default address.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
})
