# syntax=docker/dockerfile:1
# clusterlink-webhook image: build with the dev dependencies, run with the production ones only.
#   docker build -t clusterlink-webhook:0.1.0 .
# Node 24 is the current LTS line (late 2026).
ARG NODE_IMAGE=node:24-slim

# 1. Compile TypeScript to dist/ (needs the dev dependencies: typescript and the type packages).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# 2. Production dependencies only, in a stage of their own so no npm cache reaches the final image.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts

# 3. Runtime: compiled code, production node_modules, no package manager, non-root.
FROM ${NODE_IMAGE} AS runtime
# npm and corepack are not needed at run time: removing them makes the image smaller and its CVE list shorter.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
# UID/GID 1000 is the image's `node` user; numeric so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
# 8443: HTTPS (admission, /healthz, /readyz); 9090: plain-HTTP /metrics.
EXPOSE 8443 9090
# Exec form: node is PID 1 and receives SIGTERM itself; the server handles it (fails readiness, drains,
# exits) and starts no child processes, so no init process is needed. No HEALTHCHECK: Kubernetes probes
# /healthz and /readyz.
ENTRYPOINT ["node", "bin/clusterlink-webhook.js"]
CMD ["serve"]
