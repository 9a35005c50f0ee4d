# The one image every triplegain service runs; the command picks the role.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# Stand-in for optional native add-ons some registries do not serve (see package.json overrides).
COPY packaging ./packaging
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY config ./config
COPY drizzle ./drizzle
USER node
ENTRYPOINT []
CMD ["node", "bin/triplegain.mjs", "start"]
