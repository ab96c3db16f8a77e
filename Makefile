# The two commands: `make run` and `make test`. Everything else is a step of those.
JOBS ?= $(shell nproc)
# ctest entries mostly wait on servers (the integration files, the PostgreSQL clusters), so twice as many
# run at once as there are cores; the one that measures ordering under load runs alone (RUN_SERIAL).
TEST_JOBS ?= $(shell echo $$(( $$(nproc) * 2 )))
DATA ?= ./data
LISTEN ?= 127.0.0.1:8080

.PHONY: deps test-deps build run test test-sanitize bench format clean

deps:
	scripts/install-deps build

test-deps:
	scripts/install-deps test

build/build.ninja:
	cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps build/build.ninja
	cmake --build build -j $(JOBS)

run: build
	@[ -f $(DATA)/tocsin.db ] || build/tocsin init --data $(DATA) --org "Demo Organization" > $(DATA).credentials.json \
	  && echo "demo organization created; its API key is in $(DATA).credentials.json (shown once, stored hashed)"
	build/tocsin serve --data $(DATA) --listen $(LISTEN)

test: test-deps build
	cd build && ctest --output-on-failure -j $(TEST_JOBS)
	$(MAKE) test-sanitize

build-asan/build.ninja:
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTOCSIN_SANITIZE=ON

# The same suites again under AddressSanitizer + UndefinedBehaviorSanitizer.
test-sanitize: test-deps build-asan/build.ninja
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(TEST_JOBS)

bench:
	scripts/install-deps bench
	$(MAKE) build
	bench/signup/run.sh

format:
	clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc')

clean:
	rm -rf build build-asan
