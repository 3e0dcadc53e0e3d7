# One image for the four services; docker-compose.yml picks the app with `command`.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json .swcrc ./
COPY libs libs
COPY apps apps
ENV SWC_NODE_PROJECT=tsconfig.base.json NODE_ENV=production
USER node
CMD ["node", "-r", "@swc-node/register", "apps/gateway/src/main.ts"]
