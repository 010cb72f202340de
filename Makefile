# Shortcuts around the go tool; the plain go commands in README.md do the same.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

.PHONY: build demo test vet lint bench fuzz clean

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o curnorm ./cmd/curnorm

demo:
	$(GO) run ./cmd/curnorm report testdata/demo

test:
	$(GO) test ./...

vet:
	$(GO) vet ./...

lint: vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -f curnorm
