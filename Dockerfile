# The one image every triplegain service runs; the command picks the role.
# Build stage: the full install (TypeScript is a dev dependency) compiles src/ to dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
# Stand-in for optional native add-ons some registries do not serve (see package.json overrides).
COPY packaging ./packaging
COPY src ./src
COPY strategies ./strategies
RUN npm ci --no-audit --no-fund --ignore-scripts && npm run build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY packaging ./packaging
# No lifecycle scripts: `prepare` would build, and the build comes from the stage above.
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts
COPY bin ./bin
COPY src ./src
COPY strategies ./strategies
COPY config ./config
COPY drizzle ./drizzle
# Kraken's pair rules the paper exchange trades by, and the recordings demos and sweeps replay.
COPY data ./data
# After src/, so the build is the newer and bin/triplegain.mjs runs it.
COPY --from=build /app/dist ./dist
USER node
ENTRYPOINT []
CMD ["node", "bin/triplegain.mjs", "start"]
