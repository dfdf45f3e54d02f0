# sanad in a container: the MCP server over Streamable HTTP on port 8808.
#
#   docker build -t sanad .
#   docker run --rm -v sanad-data:/data sanad init /data/corpus          # the sample corpus, once
#   docker run --rm -p 127.0.0.1:8808:8808 -v sanad-data:/data -e SANAD_HTTP_TOKEN=change-me sanad
#   # client URL http://127.0.0.1:8808/mcp, header "Authorization: Bearer change-me"
#
# Your own articles: mount a folder at /data/corpus (-v "$PWD/articles:/data/corpus:ro").
# The index and downloaded models live in /data, so they survive new containers.

FROM node:22-bookworm-slim AS build
# hnswlib-node compiles a native addon when installed.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
# npm ci compiles src/ into dist/ (the prepare script); prune then drops the build tools.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim
WORKDIR /app
COPY --from=build /app/package.json /app/server.json ./
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/corpus ./corpus
COPY --from=build /app/node_modules ./node_modules
ENV SANAD_CORPUS=/data/corpus SANAD_INDEX=/data/index SANAD_CACHE_DIR=/data/models
VOLUME ["/data"]
EXPOSE 8808
ENTRYPOINT ["node", "/app/bin/sanad.js"]
# 0.0.0.0 inside the container; publish the port on 127.0.0.1 (above) or set SANAD_HTTP_TOKEN.
CMD ["serve", "--http", "0.0.0.0:8808", "--watch"]
