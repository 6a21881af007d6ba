# schoolbell production image. No Docker engine runs on our machines, so scripts/image.sh
# performs the same steps (build, then run dist/ with production dependencies only) in CI.

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY tasks tasks
RUN npm run build

FROM node:24-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=5678 \
    DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=build /app/node_modules node_modules
RUN npm prune --omit=dev --no-audit --no-fund && npm cache clean --force \
 && mkdir -p /data && chown node:node /data
COPY --from=build /app/dist dist
COPY bin bin
COPY sql sql
COPY crontab crontab
COPY admin admin
USER node
VOLUME /data
EXPOSE 5678
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "bin/healthcheck.js"]
ENTRYPOINT ["node", "bin/schoolbell.js"]
CMD ["start"]
