# zenrelay: the bot and the bundled services, one image.
#
#   docker build -t zenrelay .
#   docker run --rm -e IRC_HOST=irc.example.org -e IRC_CHANNELS='#zen' -e REDIS_URL=redis://redis:6379 zenrelay   # zen bot
#   docker run --rm -e REDIS_URL=redis://redis:6379 zenrelay service hello                                    # a service
#
# docker-compose.yml runs a whole local network with it. The bot serves
# /healthz and /metrics on HTTP_PORT (8080 here); the HEALTHCHECK below uses it.

# ---- build: compile TypeScript with the dev dependencies ----
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# the npm workspaces (@zenrelay/protocol, runtime, sdk): their package.json before npm ci
COPY clients/protocol/package.json ./clients/protocol/
COPY clients/runtime/package.json ./clients/runtime/
COPY clients/sdk/package.json ./clients/sdk/
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY types ./types
COPY bot ./bot
COPY clients ./clients
COPY services ./services
RUN npm run build

# ---- runtime: production dependencies and the compiled code only ----
FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080
WORKDIR /app
COPY package.json package-lock.json ./
COPY clients/protocol/package.json ./clients/protocol/
COPY clients/runtime/package.json ./clients/runtime/
COPY clients/sdk/package.json ./clients/sdk/
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/clients/protocol/dist ./clients/protocol/dist
COPY --from=build /app/clients/runtime/dist ./clients/runtime/dist
COPY --from=build /app/clients/sdk/dist ./clients/sdk/dist
# the unprivileged user of the node images (uid 1000)
USER node
EXPOSE 8080
# slim images have no curl: ask /healthz with node itself (200 = Redis connected, registered, channels joined)
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "require('http').get({host:'127.0.0.1',port:process.env.HTTP_PORT,path:'/healthz',timeout:4000},(r)=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"
# --optimize-for-size: the same V8 flag as the `zen` bin's first line (a smaller young generation
# and heap growth; see docs/benchmarks.md, memory)
ENTRYPOINT ["node", "--optimize-for-size", "dist/clients/cli/zen.js"]
CMD ["bot"]
