// The one webpack setup of the four services (Nx's NxAppWebpackPlugin, as @nx/nest generates it):
// dist/apps/<app>/main.js, runnable with plain `node`, node_modules left external and listed in a
// generated package.json + package-lock.json so the image installs production dependencies only.
// The TypeScript compiler (ts-loader) rather than esbuild: Nest's injection needs decorator metadata.
const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');

module.exports = function appWebpackConfig(app) {
  return {
    output: { path: join(root, 'dist', 'apps', app), clean: true },
    devtool: 'source-map',
    plugins: [
      new NxAppWebpackPlugin({
        target: 'node',
        compiler: 'tsc',
        main: join(root, 'apps', app, 'src', 'main.ts'),
        tsConfig: join(root, 'apps', app, 'tsconfig.app.json'),
        outputHashing: 'none',
        optimization: false,
        sourceMap: true,
        generatePackageJson: true,
        // tsc -p tsconfig.json checks types once for the whole workspace in npm test.
        skipTypeChecking: true,
      }),
    ],
  };
};
