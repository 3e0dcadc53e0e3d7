# syntax=docker/dockerfile:1
# One image for the four services: SERVICE (build argument or environment) picks the one a container
# runs, e.g. `docker run -e SERVICE=key-service ...`; docker-compose.yml sets it per service.
ARG NODE_IMAGE=node:24-bookworm-slim

# Build: every dependency, then Nx builds dist/apps/<app>/main.js (webpack, no TypeScript at run time).
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY nx.json tsconfig.base.json tsconfig.json ./
COPY tools/build tools/build
COPY libs libs
COPY apps apps
RUN NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false npx nx run-many -t build --outputStyle=static

# Runtime: production dependencies only, the built services, a non-root user.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist/apps dist/apps
COPY tools/docker/healthcheck.js tools/docker/healthcheck.js
ARG SERVICE=gateway
ENV SERVICE=${SERVICE}
USER node
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "tools/docker/healthcheck.js"]
# exec: node becomes PID 1's replacement and receives SIGTERM for a graceful shutdown.
CMD ["sh", "-c", "exec node dist/apps/${SERVICE}/main.js"]
