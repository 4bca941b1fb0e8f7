# One image for every Arena service; the command picks the service:
#   node dist/apps/gateway.js | room-server.js | matchmaker.js | log-indexer.js
# Built by infra/docker-compose.yml (`docker compose -f infra/docker-compose.yml up --build`)
# and run by the manifests in infra/k8s/.

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:web && npm run build:apps

FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist/apps ./dist/apps
COPY --from=build /src/apps/web-demo/dist ./apps/web-demo/dist
# Containers listen on every interface; the ports stay the services' defaults.
ENV GATEWAY_HOST=0.0.0.0 \
    ROOM_SERVER_HOST=0.0.0.0 \
    OPS_HOST=0.0.0.0 \
    MATCH_LOG_SPILL_DIR=/var/lib/arena/spill
RUN mkdir -p /var/lib/arena/spill && chown -R node:node /var/lib/arena
USER node
EXPOSE 8080 7700 9100 9200 9300 9400
ENTRYPOINT ["node", "--enable-source-maps"]
CMD ["dist/apps/gateway.js"]
