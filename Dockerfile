# syntax=docker/dockerfile:1
# Build: a static binary with every template and asset embedded.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -trimpath -ldflags="-s -w" -o /out/sunshine ./cmd/sunshine

# Run: no shell, no package manager, a non-root user.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/sunshine /usr/local/bin/sunshine
USER nonroot:nonroot
WORKDIR /home/nonroot
ENV SUNSHINE_ADDR=:8080 SUNSHINE_DATA_DIR=/home/nonroot/data
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 CMD ["/usr/local/bin/sunshine", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/sunshine"]
CMD ["serve"]
