# Shortcuts around the go tool; the plain go commands in README.md do the same.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

# The release matrix; .goreleaser.yaml builds the same.
PLATFORMS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64

.PHONY: build demo demo-bill examples test vet lint bench bench-compare fuzz docs dist clean npm-sql

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o curnorm ./cmd/curnorm

demo:
	$(GO) run ./cmd/curnorm report testdata/demo

# The bundled demo bill: a month of a company whose commitments mostly pay off, with a little
# waste to find. TestDemoBill holds the checked-in file to what these flags generate.
demo-bill:
	$(GO) run ./cmd/curnorm sample --rows 3000 --seed 2 --gzip -o testdata/demo

# The html report of the demo bill and its screenshots (docs/examples/report.html and .png,
# the browser test's golden image); a test fails when the page is stale. Needs chromium.
examples:
	$(GO) run ./cmd/curnorm report --quiet --format html --by service -o docs/examples/report.html testdata/demo
	$(GO) test ./cmd/curnorm -run '^TestHTMLInBrowser$$' -count=1 -update-screenshots

test:
	$(GO) test ./...

# The Node modules the SQL tests run (DuckDB, the Trino and Spark grammars) into .cache/npm-sql;
# without them those tests skip.
npm-sql:
	scripts/npm-sql.sh

vet:
	$(GO) vet ./...

lint: vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# curnorm against DuckDB and against the floor of this machine (reading and decompressing the
# needed column chunks) on generated 1M and 5M row bills, by account and service and by a tag,
# the bill summary on (docs/performance.md); RUNS=5 for more runs per figure, SCALE=50000000
# for the 50M-row run as well.
bench-compare:
	scripts/bench-compare.sh

# Every fuzz target, one after the other, FUZZTIME each (go test fuzzes one target at a time).
# Crashers land in <package>/testdata/fuzz/<target>/ and become regression cases there.
# Minimizing each new input for up to a minute (the default) restarts the worker whenever it
# runs out of time, which on Parquet inputs left a few executions a minute; ten tries each
# keeps hundreds a second.
FUZZTIME  ?= 10m
FUZZFLAGS ?= -fuzzminimizetime 10x
fuzz:
	@for pkg in $$(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -n1 dirname | sort -u); do \
		for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "$$pkg $$t ($(FUZZTIME))"; \
			$(GO) test $$pkg -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) $(FUZZFLAGS) || exit 1; \
		done; \
	done

# The command reference (docs/cli/*.md, docs/man/*.1) from the command tree; a test fails
# when the checked-in copy is stale.
docs:
	$(GO) run ./cmd/curnorm __docs docs

# The release archives of every platform, as .goreleaser.yaml makes them (tar.gz, zip for
# Windows: the binary, LICENSE, README.md and the man pages), with SHA256SUMS, without
# goreleaser. PLATFORMS=linux/amd64 makes one; DIST sets the folder.
DIST ?= dist
dist:
	rm -rf $(DIST) && mkdir -p $(DIST)
	@for p in $(PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; ext=; [ $$os = windows ] && ext=.exe; \
		name=curnorm_$(VERSION)_$${os}_$${arch}; stage=$(DIST)/$$name; echo "$(DIST)/$$name"; \
		mkdir -p $$stage/docs/man && cp LICENSE README.md $$stage/ && cp docs/man/*.1 $$stage/docs/man/ || exit 1; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $$stage/curnorm$$ext ./cmd/curnorm || exit 1; \
		if [ $$os = windows ]; then (cd $$stage && zip -qr ../$$name.zip .) || exit 1; \
		else tar -C $$stage -czf $(DIST)/$$name.tar.gz . || exit 1; fi; \
		rm -rf $$stage; \
	done
	cd $(DIST) && if command -v sha256sum >/dev/null; then sha256sum curnorm_*; else shasum -a 256 curnorm_*; fi > SHA256SUMS

clean:
	rm -rf curnorm dist
