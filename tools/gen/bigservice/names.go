package main

// Vocabulary for the synthetic service: package paths, identifiers and the
// hand-written runtime / kernel frames that real Go service profiles show.

// layer orders packages from request entry points (low) down to the
// standard library (high); call edges mostly go from lower to higher
// layers, which gives the stacks a realistic top-to-bottom shape.
type pkgDef struct {
	path   string
	layer  int
	weight float64 // relative number of functions
	dir    string  // directory that source files live in
}

const (
	modSvc = "github.com/acme/svc"
	goroot = "/usr/local/go/src/"
	modDir = "/root/go/pkg/mod/"
	svcDir = "/home/build/src/github.com/acme/svc/"
)

var svcPackages = []string{
	"internal/api", "internal/api/middleware", "internal/grpcapi", "internal/auth", "internal/auth/jwt",
	"internal/billing", "internal/billing/invoice", "internal/orders", "internal/orders/pricing",
	"internal/inventory", "internal/catalog", "internal/search", "internal/search/index",
	"internal/search/query", "internal/store", "internal/store/pg", "internal/store/migrate",
	"internal/cache", "internal/cache/lru", "internal/queue", "internal/queue/kafka", "internal/events",
	"internal/notify", "internal/notify/email", "internal/ratelimit", "internal/session", "internal/tenant",
	"internal/featureflags", "internal/config", "internal/telemetry", "internal/telemetry/metrics",
	"internal/encoding", "internal/encoding/csv", "internal/report", "internal/report/pdf", "internal/geo",
	"internal/shipping", "internal/payments", "internal/payments/stripe", "internal/fraud",
	"internal/fraud/rules", "internal/recommend", "internal/recommend/model", "internal/users",
	"internal/audit", "internal/export", "internal/ingest", "internal/ingest/parser", "internal/scheduler",
	"internal/workflow", "internal/blob", "internal/crypto", "pkg/retry", "pkg/pool", "pkg/xsync",
	"pkg/ds/btree", "pkg/ds/skiplist", "gen/proto/orderv1", "gen/proto/userv1", "gen/proto/billingv1",
	"cmd/svc",
}

// svcLayer assigns a layer to a service package by its role.
func svcLayer(p string) int {
	switch {
	case p == "cmd/svc" || p == "internal/api" || p == "internal/grpcapi" || p == "internal/api/middleware":
		return 0
	case hasPrefix(p, "internal/store") || hasPrefix(p, "internal/cache") || hasPrefix(p, "internal/queue") ||
		p == "internal/blob" || p == "internal/telemetry" || p == "internal/telemetry/metrics" ||
		p == "internal/encoding" || p == "internal/encoding/csv" || p == "internal/crypto":
		return 3
	case hasPrefix(p, "pkg/") || hasPrefix(p, "gen/"):
		return 4
	case p == "internal/auth" || p == "internal/auth/jwt" || p == "internal/session" || p == "internal/tenant" ||
		p == "internal/ratelimit" || p == "internal/featureflags" || p == "internal/config":
		return 1
	default:
		return 2
	}
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }

// thirdParty: module path@version, package sub path.
var thirdParty = []struct{ mod, ver, sub string }{
	{"google.golang.org/grpc", "v1.66.2", ""},
	{"google.golang.org/grpc", "v1.66.2", "internal/transport"},
	{"google.golang.org/grpc", "v1.66.2", "metadata"},
	{"google.golang.org/protobuf", "v1.34.2", "proto"},
	{"google.golang.org/protobuf", "v1.34.2", "internal/impl"},
	{"google.golang.org/protobuf", "v1.34.2", "encoding/protowire"},
	{"github.com/jackc/pgx/v5", "v5.6.0", ""},
	{"github.com/jackc/pgx/v5", "v5.6.0", "pgconn"},
	{"github.com/jackc/pgx/v5", "v5.6.0", "pgtype"},
	{"github.com/jackc/pgx/v5", "v5.6.0", "pgxpool"},
	{"github.com/redis/go-redis/v9", "v9.6.1", ""},
	{"github.com/redis/go-redis/v9", "v9.6.1", "internal/pool"},
	{"github.com/redis/go-redis/v9", "v9.6.1", "internal/proto"},
	{"go.uber.org/zap", "v1.27.0", ""},
	{"go.uber.org/zap", "v1.27.0", "zapcore"},
	{"github.com/prometheus/client_golang", "v1.20.2", "prometheus"},
	{"github.com/prometheus/client_golang", "v1.20.2", "prometheus/promhttp"},
	{"go.opentelemetry.io/otel/sdk", "v1.29.0", "trace"},
	{"go.opentelemetry.io/otel", "v1.29.0", "attribute"},
	{"go.opentelemetry.io/otel/trace", "v1.29.0", ""},
	{"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp", "v0.54.0", ""},
	{"github.com/segmentio/kafka-go", "v0.4.47", ""},
	{"github.com/segmentio/kafka-go", "v0.4.47", "protocol"},
	{"github.com/klauspost/compress", "v1.17.9", "zstd"},
	{"github.com/klauspost/compress", "v1.17.9", "s2"},
	{"github.com/golang/snappy", "v0.0.4", ""},
	{"github.com/json-iterator/go", "v1.1.12", ""},
	{"github.com/goccy/go-json", "v0.10.3", ""},
	{"github.com/go-chi/chi/v5", "v5.1.0", ""},
	{"github.com/go-chi/chi/v5", "v5.1.0", "middleware"},
	{"github.com/aws/aws-sdk-go-v2/service/s3", "v1.61.2", ""},
	{"github.com/aws/smithy-go", "v1.20.4", "middleware"},
	{"github.com/aws/aws-sdk-go-v2", "v1.30.5", "aws/signer/v4"},
	{"github.com/dgraph-io/ristretto/v2", "v2.0.0", ""},
	{"github.com/cespare/xxhash/v2", "v2.3.0", ""},
	{"github.com/google/uuid", "v1.6.0", ""},
	{"github.com/hashicorp/golang-lru/v2", "v2.0.7", ""},
	{"golang.org/x/sync", "v0.8.0", "errgroup"},
	{"golang.org/x/net", "v0.29.0", "http2"},
	{"golang.org/x/net", "v0.29.0", "http2/hpack"},
	{"github.com/valyala/fastjson", "v1.6.4", ""},
	{"github.com/tidwall/gjson", "v1.17.3", ""},
}

var stdPackages = []string{
	"sync", "sync/atomic", "syscall", "internal/poll", "os", "io", "bufio", "bytes", "strings", "strconv",
	"fmt", "sort", "slices", "maps", "errors", "context", "time", "math", "math/big", "math/bits",
	"unicode/utf8", "encoding/json", "encoding/binary", "encoding/base64", "encoding/hex", "encoding/xml",
	"compress/gzip", "compress/flate", "hash/crc32", "crypto/tls", "crypto/aes", "crypto/cipher",
	"crypto/sha256", "crypto/hmac", "crypto/rand", "crypto/ecdsa", "crypto/internal/fips140/aes/gcm",
	"net", "net/http", "net/url", "net/textproto", "mime/multipart", "html/template", "text/template",
	"regexp", "regexp/syntax", "reflect", "log/slog", "database/sql", "container/heap", "path/filepath",
	"internal/runtime/maps", "internal/bytealg", "unique", "iter",
}

var nouns = []string{
	"Cache", "Server", "Conn", "Handler", "Decoder", "Encoder", "Pool", "Store", "Client", "Txn", "Batch",
	"Reader", "Writer", "Queue", "Shard", "Index", "Router", "Session", "Codec", "Buffer", "Tree", "Node",
	"Stream", "Watcher", "Limiter", "Tracer", "Span", "Meter", "Registry", "Order", "Invoice", "Account",
	"Tenant", "Token", "Policy", "Rule", "Planner", "Executor", "Scanner", "Parser", "Lexer", "Builder",
	"Resolver", "Balancer", "Dialer", "Listener", "Frame", "Record", "Segment", "Snapshot", "Manifest",
	"Ledger", "Cursor", "Iterator", "Filter", "Matcher", "Ring", "Slab", "Arena", "Heap", "Bucket", "Table",
	"Row", "Column", "Schema", "Message", "Envelope", "Publisher", "Subscriber", "Consumer", "Producer",
	"Worker", "Job", "Task", "Scheduler", "Timer", "Breaker", "Retrier", "Validator", "Serializer", "Signer",
	"Verifier", "Hasher", "Compressor", "Allocator", "State", "Entry", "Header", "Field", "Value", "Key",
}

var verbs = []string{
	"Get", "Put", "Delete", "Scan", "Flush", "Encode", "Decode", "Read", "Write", "Serve", "Handle", "Lookup",
	"Insert", "Merge", "Compact", "Marshal", "Unmarshal", "Process", "Dispatch", "Validate", "Apply", "Commit",
	"Rollback", "Next", "Close", "Open", "Reset", "Grow", "Release", "Acquire", "Observe", "Record", "Emit",
	"Run", "Notify", "Load", "Store", "Evict", "Refresh", "Resolve", "Parse", "Build", "Render", "Sign",
	"Verify", "Hash", "Compress", "Decompress", "Split", "Join", "Append", "Copy", "Sort", "Search", "Match",
	"Filter", "Reduce", "Collect", "Fetch", "Send", "Recv", "Poll", "Ack", "Retry", "Schedule", "Cancel",
	"Start", "Init", "Update", "Upsert", "Count", "Sum", "Bind", "Prepare", "Exec", "Query", "Visit", "Walk",
}

var fileWords = []string{
	"server", "client", "conn", "handler", "codec", "decode", "encode", "pool", "store", "cache", "batch",
	"reader", "writer", "queue", "index", "router", "session", "buffer", "tree", "stream", "watch", "limit",
	"trace", "span", "metrics", "registry", "types", "util", "helpers", "errors", "options", "config",
	"query", "scan", "txn", "schema", "message", "worker", "scheduler", "retry", "validate", "hash",
}

// Routes and gRPC methods used as "handler" label values.
var httpRoutes = []string{
	"/api/v1/orders", "/api/v1/orders/{id}", "/api/v1/orders/{id}/items", "/api/v1/users/{id}",
	"/api/v1/users/{id}/sessions", "/api/v1/catalog/search", "/api/v1/catalog/items/{sku}",
	"/api/v1/invoices", "/api/v1/invoices/{id}/pdf", "/api/v1/payments", "/api/v1/shipping/quote",
	"/api/v1/recommendations", "/api/v1/inventory/{sku}", "/api/v1/reports/daily", "/api/v1/export",
	"/api/v1/ingest", "/api/v1/auth/token", "/api/v1/auth/refresh", "/healthz", "/metrics",
}

var grpcMethods = []string{
	"/acme.order.v1.OrderService/GetOrder", "/acme.order.v1.OrderService/ListOrders",
	"/acme.order.v1.OrderService/CreateOrder", "/acme.user.v1.UserService/GetUser",
	"/acme.user.v1.UserService/BatchGetUsers", "/acme.billing.v1.BillingService/Charge",
	"/acme.billing.v1.BillingService/ListInvoices", "/acme.order.v1.OrderService/StreamUpdates",
}

// Fixed chains, root first. Each element is a function name; the chain's
// functions get their package from the name.
var httpRootChain = []string{
	"runtime.goexit",
	"net/http.(*conn).serve",
	"net/http.serverHandler.ServeHTTP",
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp.(*middleware).serveHTTP",
	"github.com/go-chi/chi/v5.(*Mux).ServeHTTP",
	"github.com/go-chi/chi/v5.(*Mux).routeHTTP",
}

var httpMiddleware = []string{
	"github.com/go-chi/chi/v5/middleware.Recoverer.func1",
	"github.com/go-chi/chi/v5/middleware.RequestID.func1",
	"github.com/acme/svc/internal/api/middleware.Auth.func1",
	"github.com/acme/svc/internal/api/middleware.Tenant.func1",
	"github.com/acme/svc/internal/api/middleware.Logging.func1",
	"github.com/acme/svc/internal/api/middleware.RateLimit.func1",
	"net/http.HandlerFunc.ServeHTTP",
}

var grpcRootChain = []string{
	"runtime.goexit",
	"google.golang.org/grpc.(*Server).serveStreams.func2.1",
	"google.golang.org/grpc.(*Server).handleStream",
	"google.golang.org/grpc.(*Server).processUnaryRPC",
}

var grpcInterceptors = []string{
	"google.golang.org/grpc.chainUnaryInterceptors.func1",
	"github.com/acme/svc/internal/grpcapi.authInterceptor",
	"github.com/acme/svc/internal/grpcapi.metricsInterceptor",
	"google.golang.org/grpc.getChainUnaryHandler.func1",
}

var workerRootChain = []string{
	"runtime.goexit",
	"golang.org/x/sync/errgroup.(*Group).Go.func1",
	"github.com/acme/svc/internal/queue.(*Pool).worker",
	"github.com/acme/svc/internal/queue.(*Pool).runJob",
}

var mainRootChain = []string{
	"runtime.goexit",
	"runtime.main",
	"main.main",
	"github.com/acme/svc/cmd/svc.run",
}

var consumerRootChain = []string{
	"runtime.goexit",
	"github.com/acme/svc/internal/queue/kafka.(*Consumer).Run.gowrap1",
	"github.com/acme/svc/internal/queue/kafka.(*Consumer).loop",
	"github.com/segmentio/kafka-go.(*Reader).FetchMessage",
}

// Runtime subtrees used for GC and scheduler stacks, and runtime / kernel
// leaf chains hung under application frames. Chains are caller first.
var gcChains = [][]string{
	{"runtime.goexit", "runtime.gcBgMarkWorker", "runtime.systemstack", "runtime.gcBgMarkWorker.func2", "runtime.gcDrain", "runtime.scanobject", "runtime.findObject"},
	{"runtime.goexit", "runtime.gcBgMarkWorker", "runtime.systemstack", "runtime.gcBgMarkWorker.func2", "runtime.gcDrain", "runtime.scanobject", "runtime.greyobject"},
	{"runtime.goexit", "runtime.gcBgMarkWorker", "runtime.systemstack", "runtime.gcBgMarkWorker.func2", "runtime.gcDrain", "runtime.markroot", "runtime.markroot.func1", "runtime.suspendG"},
	{"runtime.goexit", "runtime.gcBgMarkWorker", "runtime.systemstack", "runtime.gcBgMarkWorker.func2", "runtime.gcDrain", "runtime.markroot", "runtime.scanstack", "runtime.scanframeworker", "runtime.(*stkframe).getStackMap", "runtime.pcdatavalue"},
	{"runtime.goexit", "runtime.bgsweep", "runtime.sweepone", "runtime.(*sweepLocked).sweep", "runtime.(*mspan).heapBitsSmallForAddr"},
	{"runtime.goexit", "runtime.bgscavenge", "runtime.(*scavengerState).run", "runtime.(*pageAlloc).scavenge", "runtime.sysUnused", "runtime.madvise"},
}

var schedChains = [][]string{
	{"runtime.mcall", "runtime.park_m", "runtime.schedule", "runtime.findRunnable", "runtime.netpoll", "runtime.epollwait"},
	{"runtime.mcall", "runtime.park_m", "runtime.schedule", "runtime.findRunnable", "runtime.stealWork", "runtime.runqsteal", "runtime.runqgrab"},
	{"runtime.mcall", "runtime.gosched_m", "runtime.goschedImpl", "runtime.schedule", "runtime.findRunnable", "runtime.checkTimers", "runtime.(*timers).run", "runtime.(*timer).unlockAndRun"},
	{"runtime.mstart", "runtime.mstart0", "runtime.mstart1", "runtime.schedule", "runtime.findRunnable", "runtime.stopm", "runtime.mPark", "runtime.notesleep", "runtime.futexsleep", "runtime.futex"},
	{"runtime.morestack", "runtime.newstack", "runtime.copystack", "runtime.adjustframe", "runtime.adjustpointers"},
}

var leafChains = []struct {
	weight float64
	chain  []string
	kernel []string // optional kernel continuation (caller first)
	vdso   bool
	libc   bool
}{
	{8, []string{"runtime.newobject", "runtime.mallocgc", "runtime.mallocgcSmallScanNoHeader", "runtime.(*mcache).nextFree", "runtime.(*mcache).refill", "runtime.(*mcentral).cacheSpan", "runtime.(*mcentral).grow", "runtime.(*mheap).alloc"}, nil, false, false},
	{6, []string{"runtime.makeslice", "runtime.mallocgc", "runtime.mallocgcSmallNoscan", "runtime.memclrNoHeapPointers"}, []string{"asm_exc_page_fault", "exc_page_fault", "do_user_addr_fault", "handle_mm_fault", "__handle_mm_fault", "do_anonymous_page", "clear_page_erms"}, false, false},
	{6, []string{"runtime.growslice", "runtime.mallocgc", "runtime.mallocgcLarge", "runtime.(*mheap).alloc", "runtime.systemstack", "runtime.(*mheap).alloc.func1", "runtime.(*mheap).allocSpan"}, nil, false, false},
	{5, []string{"runtime.mapaccess2_faststr", "internal/runtime/maps.(*Map).getWithKeySmall", "runtime.memequal"}, nil, false, false},
	{4, []string{"runtime.mapassign_faststr", "internal/runtime/maps.(*table).rehash", "internal/runtime/maps.(*table).grow", "internal/runtime/maps.newarray", "runtime.mallocgc"}, nil, false, false},
	{6, []string{"runtime.memmove"}, nil, false, false},
	{3, []string{"runtime.gcWriteBarrier2", "runtime.wbBufFlush", "runtime.systemstack", "runtime.wbBufFlush.func1", "runtime.wbBufFlush1", "runtime.findObject"}, nil, false, false},
	{3, []string{"runtime.concatstrings", "runtime.rawstringtmp", "runtime.rawstring", "runtime.mallocgc"}, nil, false, false},
	{3, []string{"runtime.slicebytetostring", "runtime.mallocgc"}, nil, false, false},
	{2, []string{"runtime.assertE2I2", "runtime.typeAssert", "internal/abi.(*Type).Uncommon"}, nil, false, false},
	{3, []string{"runtime.memhash", "aeshashbody"}, nil, false, false},
	{2, []string{"runtime.cmpstring"}, nil, false, false},
	{2, []string{"sync.(*Mutex).Lock", "sync.(*Mutex).lockSlow", "runtime.procyield"}, nil, false, false},
	{2, []string{"sync.(*Mutex).Unlock", "sync.(*Mutex).unlockSlow", "runtime.semrelease1", "runtime.readyWithTime", "runtime.goready", "runtime.systemstack", "runtime.goready.func1", "runtime.ready", "runtime.wakep", "runtime.startm", "runtime.notewakeup", "runtime.futexwakeup", "runtime.futex"},
		[]string{"entry_SYSCALL_64_after_hwframe", "do_syscall_64", "__x64_sys_futex", "do_futex", "futex_wake", "wake_up_q", "try_to_wake_up", "_raw_spin_unlock_irqrestore"}, false, false},
	{4, []string{"internal/poll.(*FD).Write", "syscall.Write", "syscall.write", "syscall.Syscall", "syscall.RawSyscall6", "internal/runtime/syscall.Syscall6"},
		[]string{"entry_SYSCALL_64_after_hwframe", "do_syscall_64", "__x64_sys_write", "ksys_write", "vfs_write", "sock_write_iter", "sock_sendmsg", "tcp_sendmsg", "tcp_sendmsg_locked", "tcp_push", "__tcp_push_pending_frames", "tcp_write_xmit", "__tcp_transmit_skb", "ip_queue_xmit", "__ip_queue_xmit", "ip_finish_output2", "__dev_queue_xmit", "dev_hard_start_xmit", "loopback_xmit", "netif_rx", "__netif_rx"}, false, false},
	{4, []string{"internal/poll.(*FD).Read", "syscall.Read", "syscall.read", "syscall.Syscall", "syscall.RawSyscall6", "internal/runtime/syscall.Syscall6"},
		[]string{"entry_SYSCALL_64_after_hwframe", "do_syscall_64", "__x64_sys_read", "ksys_read", "vfs_read", "sock_read_iter", "sock_recvmsg", "inet_recvmsg", "tcp_recvmsg", "tcp_recvmsg_locked", "skb_copy_datagram_iter", "__skb_datagram_iter", "_copy_to_iter", "copy_user_enhanced_fast_string"}, false, false},
	{2, []string{"time.Now", "runtime.nanotime1"}, nil, true, false},
	{1, []string{"runtime.cgocall", "runtime.asmcgocall"}, nil, false, true},
	{2, []string{"runtime.selectgo", "runtime.sellock", "runtime.lock2", "runtime.procyield"}, nil, false, false},
	{2, []string{"runtime.chansend1", "runtime.chansend", "runtime.send", "runtime.goready", "runtime.systemstack", "runtime.goready.func1", "runtime.ready", "runtime.runqput"}, nil, false, false},
}

var vdsoFuncs = []string{"__vdso_clock_gettime", "do_hres"}
var libcFuncs = [][]string{
	{"__memcpy_avx_unaligned_erms"},
	{"getaddrinfo", "gaih_inet", "__nss_database_get", "__GI___libc_open"},
	{"__GI___libc_write"},
	{"malloc", "_int_malloc"},
}

// Plain kernel leaf bits hung at the end of some scheduler/GC stacks.
var kernelTails = map[string][]string{
	"runtime.epollwait": {"entry_SYSCALL_64_after_hwframe", "do_syscall_64", "__x64_sys_epoll_wait", "do_epoll_wait", "ep_poll", "schedule_hrtimeout_range", "schedule", "__schedule", "finish_task_switch"},
	"runtime.futex":     {"entry_SYSCALL_64_after_hwframe", "do_syscall_64", "__x64_sys_futex", "do_futex", "futex_wait", "futex_wait_queue", "schedule", "__schedule", "finish_task_switch"},
	"runtime.madvise":   {"entry_SYSCALL_64_after_hwframe", "do_syscall_64", "__x64_sys_madvise", "do_madvise", "madvise_vma_behavior", "zap_page_range_single", "unmap_page_range", "zap_pmd_range", "free_pages_and_swap_cache"},
}
