# syntax=docker/dockerfile:1
# shotcache: one image for the server (the default command) and render workers (`worker`).
#   docker build -t shotcache .
#   docker run -p 3000:3000 shotcache
# See docs/docker.md.

# --- build: the workspace from its lockfile, as CI builds it ------------------------------------
FROM node:24-bookworm-slim AS build
# The browser comes from Debian in the runtime image: Puppeteer downloads none.
ENV PUPPETEER_SKIP_DOWNLOAD=true NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1
RUN npm install -g -E --allow-scripts=pnpm pnpm@12.4.2
WORKDIR /app
COPY . .
RUN pnpm install --frozen-lockfile && pnpm build

# --- runtime ----------------------------------------------------------------------------------
FROM node:24-bookworm-slim
# Chromium's headless shell renders; Noto CJK and colour emoji, and Liberation (metric-compatible
# with Arial, Times and Courier), so pages in any script render as text, not boxes; tini is PID 1,
# reaping Chromium's helper processes and passing SIGTERM on for the drain.
RUN apt-get update \
  && apt-get install -y --no-install-recommends \
    chromium-headless-shell fonts-noto-cjk fonts-noto-color-emoji fonts-liberation tini \
  && rm -rf /var/lib/apt/lists/*
# Not root; group 0, so that an arbitrary UID (OpenShift's) can read what the group may. Nothing
# is written outside /tmp: HOME and the caches live there, and the root filesystem may be
# read-only. Chromium keeps its shared memory out of /dev/shm (--disable-dev-shm-usage), whose
# 64 MB default would crash tabs. Chromium's own sandbox needs user namespaces, which the default
# seccomp profiles of Docker and Kubernetes refuse to a process without capabilities: it runs
# without, isolated by the container (no capabilities, not root, read-only, seccomp), and every
# request a page makes still passes the network guard.
RUN useradd --uid 10001 --gid 0 --home-dir /tmp --no-create-home --shell /usr/sbin/nologin shotcache
ENV NODE_ENV=production \
  NEXT_TELEMETRY_DISABLED=1 \
  HOME=/tmp \
  XDG_CONFIG_HOME=/tmp/.config \
  XDG_CACHE_HOME=/tmp/.cache \
  CHROME_PATH=/usr/lib/chromium/chromium-headless-shell \
  SHOTCACHE_BROWSER_SANDBOX=false \
  SHOTCACHE_HOST=0.0.0.0 \
  PORT=3000
COPY --from=build --chown=10001:0 /app /app
WORKDIR /app/apps/web
USER 10001:0
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/api/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "/app/deploy/docker/entrypoint.sh"]
CMD ["server"]
