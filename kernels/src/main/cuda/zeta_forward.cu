// zeta-spark CUDA kernels and their host orchestration: the window batch (the partition stage of
// the Spark job) and the whole-sequence forward (codes, per-level per-curve (code, pos) sorts,
// selection, mean slot, weighted value sums). Every kernel is a thin wrapper over a function of
// zeta_core.cuh; the emulated path runs the same functions in host loops (no GPU needed).
#include <cuda_runtime.h>

#include <cub/device/device_radix_sort.cuh>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "zeta_core.cuh"

namespace zc {
namespace {

constexpr int kBlock = 128;
constexpr int kWarp = 32;

struct CudaFailure : std::runtime_error {
    explicit CudaFailure(const std::string& what) : std::runtime_error(what) {}
};

void check(cudaError_t e, const char* what) {
    if (e != cudaSuccess) {
        throw CudaFailure(std::string(cudaGetErrorName(e)) + " (" + cudaGetErrorString(e) + ") in " + what);
    }
}

// A device allocation freed on scope exit (so every error path releases GPU memory).
template <class T>
struct DevBuf {
    T* p = nullptr;
    size_t n = 0;
    DevBuf() = default;
    explicit DevBuf(size_t count, const char* what) { alloc(count, what); }
    DevBuf(const DevBuf&) = delete;
    DevBuf& operator=(const DevBuf&) = delete;
    ~DevBuf() {
        if (p) {
            cudaFree(p);
        }
    }
    void alloc(size_t count, const char* what) {
        n = count;
        check(cudaMalloc(&p, std::max<size_t>(1, count) * sizeof(T)), what);
    }
    void upload(const T* src, size_t count, const char* what) {
        if (count) {
            check(cudaMemcpy(p, src, count * sizeof(T), cudaMemcpyHostToDevice), what);
        }
    }
    void download(T* dst, size_t count, const char* what) const {
        if (count) {
            check(cudaMemcpy(dst, p, count * sizeof(T), cudaMemcpyDeviceToHost), what);
        }
    }
    void zero(const char* what) { check(cudaMemset(p, 0, std::max<size_t>(1, n) * sizeof(T)), what); }
};

int blocksFor(long long threads, int block) {
    return (int) ((threads + block - 1) / block);
}

double msSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// ---------------------------------------------------------------------------------------------
// Kernels
// ---------------------------------------------------------------------------------------------

__global__ void probeKernel(int* out) {
    *out = 42;
}

__global__ void windowKernel(WindowCtx c, int nq, unsigned long long* walked) {
    int q = blockIdx.x * blockDim.x + threadIdx.x;
    if (q < nq) {
        atomicAdd(walked, (unsigned long long) windowQuery(c, q));
    }
}

__global__ void codesKernel(Quantiser z, int n, const float* q, const float* k, i64* qCodes, i64* kCodes,
                            unsigned long long* clamped) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        int c = encodeAll(z, q + (size_t) i * z.d, qCodes + i, (size_t) n)
                + encodeAll(z, k + (size_t) i * z.d, kCodes + i, (size_t) n);
        if (c) {
            atomicAdd(clamped, (unsigned long long) c);
        }
    }
}

__global__ void iotaKernel(int* out, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        out[i] = i;
    }
}

// Materialises one sorted run: positions and key vectors of the rows in (code, pos) order.
__global__ void gatherRunKernel(int keyCount, int d, const int* id, const i64* pos, const float* k, i64* runPos,
                                float* runVec) {
    int r = blockIdx.x * blockDim.x + threadIdx.x;
    if (r < keyCount) {
        int t = id[r];
        runPos[r] = pos[t];
        for (int m = 0; m < d; m++) {
            runVec[(size_t) r * d + m] = k[(size_t) t * d + m];
        }
    }
}

__global__ void selectKernel(SelectCtx c, int qBegin, int qEnd, unsigned long long* walked) {
    int i = qBegin + blockIdx.x * blockDim.x + threadIdx.x;
    if (i < qEnd) {
        i64 w = selectQuery(c, i);
        if (w) {
            atomicAdd(walked, (unsigned long long) w);
        }
    }
}

// One thread per (chunk, component): the chunk's total in position order.
__global__ void chunkTotalKernel(AttendCtx c, int nChunks, double* chunkTotal) {
    long long t = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (t < (long long) nChunks * c.width) {
        int ci = (int) (t / c.width);
        int w = (int) (t % c.width);
        double acc = 0.0;
        for (int i = c.chunkFirst[ci]; i < c.chunkFirst[ci + 1]; i++) {
            acc += component(c, i, w);
        }
        chunkTotal[t] = acc;
    }
}

// One thread per (super-block, component): chunk totals in chunk order within the super-block.
__global__ void chunkPrefixKernel(int nSupers, int width, const int* superFirst, const double* chunkTotal,
                                  double* chunkPrefix, double* superTotal) {
    long long t = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (t < (long long) nSupers * width) {
        int s = (int) (t / width);
        int w = (int) (t % width);
        double run = 0.0;
        for (int ci = superFirst[s]; ci < superFirst[s + 1]; ci++) {
            chunkPrefix[(size_t) ci * width + w] = run;
            run += chunkTotal[(size_t) ci * width + w];
        }
        superTotal[t] = run;
    }
}

// One thread per component: super-block totals in order; the end is the whole-sequence total.
__global__ void superPrefixKernel(int nSupers, int width, const double* superTotal, double* superPrefix,
                                  double* total) {
    int w = blockIdx.x * blockDim.x + threadIdx.x;
    if (w < width) {
        double run = 0.0;
        for (int s = 0; s < nSupers; s++) {
            superPrefix[(size_t) s * width + w] = run;
            run += superTotal[(size_t) s * width + w];
        }
        total[w] = run;
    }
}

// One warp per chunk walks its tokens in position order (the mean slot's running sum is sequential).
__global__ void attendKernel(AttendCtx c, int nChunks) {
    int warp = (blockIdx.x * blockDim.x + threadIdx.x) / kWarp;
    int lane = threadIdx.x % kWarp;
    if (warp >= nChunks) {
        return;
    }
    int ci = warp;
    if (c.meanSlot && c.causal) {
        for (int w = lane; w < c.width; w += kWarp) {
            c.ownRun[(size_t) ci * c.width + w] = 0.0;
        }
    }
    for (int i = c.chunkFirst[ci]; i < c.chunkFirst[ci + 1]; i++) {
        if (c.meanSlot) {
            for (int w = lane; w < c.width; w += kWarp) {
                attendMeanComponent(c, ci, i, w);
            }
        }
        __syncwarp();  // meanBuf of token i complete and visible to the whole warp
        attendOutput(c, ci, i, lane, kWarp);
        __syncwarp();  // everyone done reading meanBuf before token i + 1 overwrites it
    }
}

// ---------------------------------------------------------------------------------------------
// Host-side plan shared by both back ends
// ---------------------------------------------------------------------------------------------

// One launch of the selection: queries [qBegin, qEnd) of one level, whose keys are tokens
// [0, keyCount) (ZetaAttention: level = ceil(log2(chunk + 1)), keys of chunks below 2^level − 1).
struct LevelStep {
    int qBegin, qEnd, keyCount;
};

struct Plan {
    std::vector<LevelStep> steps;
    std::vector<int> chunkFirst;  // nChunks + 1
    std::vector<int> chunkSuper;  // nChunks
    std::vector<int> superFirst;  // nSupers + 1 (compact chunk indices)
    int nChunks() const { return (int) chunkSuper.size(); }
    int nSupers() const { return (int) superFirst.size() - 1; }
};

int queryLevel(i64 chunk) {
    return chunk == 0 ? 0 : 64 - __builtin_clzll((unsigned long long) chunk);
}

// Tokens whose position is below limit (positions ascending).
int countBelow(const i64* pos, int n, i64 limit) {
    return (int) (std::lower_bound(pos, pos + n, limit) - pos);
}

// First token whose relative chunk (pos / m - base) is >= chunk (monotone in the token order).
int firstTokenOfChunk(const i64* pos, int n, i64 m, i64 base, unsigned long long chunk) {
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = (lo + hi) >> 1;
        if ((unsigned long long) (pos[mid] / m - base) < chunk) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

// NestedLevels.chunkStart: first position of chunk base + rel, saturating.
i64 chunkStart(i64 base, i64 rel, i64 m) {
    i64 chunk = rel > kLongMax - base ? kLongMax : base + rel;
    return chunk > kLongMax / m ? kLongMax : chunk * m;
}

// The CUDA twin of NestedLevels.plan: levels of relative chunks, anchored at the first token's chunk.
Plan makePlan(const ForwardConfig& cfg, const i64* pos) {
    Plan p;
    int n = cfg.n;
    i64 m = cfg.chunk;
    if (cfg.causal) {
        i64 base = pos[0] / m;
        int top = queryLevel(pos[n - 1] / m - base);
        for (int level = 0; level <= top; level++) {
            unsigned long long firstChunk = level == 0 ? 0ULL : 1ULL << (level - 1);
            unsigned long long endChunk = 1ULL << level;  // queries of this level: relative chunks below it
            int qBegin = firstTokenOfChunk(pos, n, m, base, firstChunk);
            int qEnd = level == 63 ? n : firstTokenOfChunk(pos, n, m, base, endChunk);
            if (qBegin >= qEnd) {
                continue;
            }
            int keyCount = 0;
            if (level > 0) {
                // NestedLevels.plan: keys of relative chunks below lastQueryChunk(level), saturating
                i64 bound = level >= 63 ? kLongMax : (i64) ((1ULL << level) - 1);
                keyCount = countBelow(pos, n, chunkStart(base, bound, m));
            }
            p.steps.push_back({qBegin, qEnd, keyCount});
        }
    } else {
        p.steps.push_back({0, n, n});
    }
    i64 prevChunk = -1, prevSuper = -1;
    for (int i = 0; i < n; i++) {
        i64 chunk = pos[i] / m;
        if (chunk != prevChunk) {
            i64 sup = chunk / m;
            if (sup != prevSuper) {
                p.superFirst.push_back((int) p.chunkFirst.size());
                prevSuper = sup;
            }
            p.chunkFirst.push_back(i);
            p.chunkSuper.push_back((int) p.superFirst.size() - 1);
            prevChunk = chunk;
        }
    }
    p.chunkFirst.push_back(n);
    p.superFirst.push_back((int) p.chunkSuper.size());
    return p;
}

Quantiser quantiser(const ForwardConfig& cfg) {
    Quantiser z{};
    z.d = cfg.d;
    z.bits = cfg.bits;
    z.curves = cfg.curves;
    for (int m = 0; m < cfg.d; m++) {
        z.lo[m] = cfg.lo[m];
        z.scale[m] = cfg.scale[m];
    }
    z.halfGrid = cfg.halfGrid;
    z.maxCell = cfg.maxCell;
    for (int i = 0; i < cfg.curves * cfg.d; i++) {
        z.shifts[i] = cfg.shifts[i];
    }
    return z;
}

SelectCtx selectCtx(const ForwardConfig& cfg) {
    SelectCtx s{};
    s.n = cfg.n;
    s.d = cfg.d;
    s.k = cfg.k;
    s.curves = cfg.curves;
    s.half = cfg.half;
    s.m = cfg.chunk;
    s.causal = cfg.causal;
    s.self = cfg.includeSelf;
    return s;
}

AttendCtx attendCtx(const ForwardConfig& cfg) {
    AttendCtx a{};
    a.n = cfg.n;
    a.d = cfg.d;
    a.dv = cfg.dv;
    a.k = cfg.k;
    a.width = cfg.d + cfg.dv;
    a.causal = cfg.causal;
    a.self = cfg.includeSelf;
    a.meanSlot = cfg.meanSlot;
    a.kernel = cfg.kernel;
    a.gammaSq = cfg.gammaSq;
    a.tau = cfg.tau;
    return a;
}

std::string validate(const ForwardConfig& c) {
    if (c.n < 1) return "n must be >= 1";
    if (c.d < 1 || c.d > kMaxD) return "d must be in 1..8";
    if (c.curves < 1 || c.curves > kMaxCurves) return "curves must be in 1..16";
    if (c.dv < 1 || c.k < 1 || c.half < 0 || c.chunk < 1) return "dv, k and chunk must be >= 1, half >= 0";
    if (c.bits < 1 || c.bits * c.d > 63) return "bits * d must be in 1..63";
    if ((long long) c.n * c.k > 0x7fffffffLL) return "n * k exceeds one array";
    return "";
}

// ---------------------------------------------------------------------------------------------
// Forward, GPU back end
// ---------------------------------------------------------------------------------------------

void forwardGpu(const ForwardConfig& cfg, const ForwardIO& io, const Plan& plan, Stats* st) {
    const size_t n = cfg.n, d = cfg.d, dv = cfg.dv, kk = cfg.k, nc = cfg.curves;
    const size_t width = d + dv;
    DevBuf<i64> pos(n, "alloc pos");
    DevBuf<float> q(n * d, "alloc q"), k(n * d, "alloc k"), v(n * dv, "alloc v");
    pos.upload(io.pos, n, "upload pos");
    q.upload(io.q, n * d, "upload q");
    k.upload(io.k, n * d, "upload k");
    v.upload(io.v, n * dv, "upload v");

    DevBuf<i64> qCodes(nc * n, "alloc query codes"), kCodes(nc * n, "alloc key codes");
    DevBuf<int> iota(n, "alloc iota");
    DevBuf<i64> runCodes(nc * n, "alloc run codes"), runPos(nc * n, "alloc run positions");
    DevBuf<int> runId(nc * n, "alloc run ids");
    DevBuf<float> runVec(nc * n * d, "alloc run vectors");
    DevBuf<int> count(n, "alloc count");
    DevBuf<i64> selPos(n * kk, "alloc selected positions");
    DevBuf<double> selDist(n * kk, "alloc selected distances");
    DevBuf<int> selIdx(n * kk, "alloc selected indices");
    DevBuf<float> out(n * dv, "alloc out"), nbrW(n * kk, "alloc weights");
    DevBuf<double> nn(n, "alloc nn");
    DevBuf<unsigned long long> counters(2, "alloc counters");
    const int nChunks = plan.nChunks(), nSupers = plan.nSupers();
    DevBuf<int> chunkFirst(nChunks + 1, "alloc chunk table"), chunkSuper(nChunks, "alloc chunk table"),
        superFirst(nSupers + 1, "alloc super-block table");
    chunkFirst.upload(plan.chunkFirst.data(), nChunks + 1, "upload chunk table");
    chunkSuper.upload(plan.chunkSuper.data(), nChunks, "upload chunk table");
    superFirst.upload(plan.superFirst.data(), nSupers + 1, "upload super-block table");
    DevBuf<double> chunkTotal, chunkPrefix, superTotal, superPrefix, total, ownRun, meanBuf;
    if (cfg.meanSlot) {
        chunkTotal.alloc(nChunks * width, "alloc chunk totals");
        chunkPrefix.alloc(nChunks * width, "alloc chunk prefixes");
        superTotal.alloc(nSupers * width, "alloc super-block totals");
        superPrefix.alloc(nSupers * width, "alloc super-block prefixes");
        total.alloc(width, "alloc total");
        ownRun.alloc(nChunks * width, "alloc chunk scratch");
        meanBuf.alloc(nChunks * width, "alloc mean scratch");
    }
    selPos.zero("clear selection");
    selDist.zero("clear selection");
    selIdx.zero("clear selection");
    nbrW.zero("clear weights");
    counters.zero("clear counters");
    size_t sortBytes = 0;
    check(cub::DeviceRadixSort::SortPairs(nullptr, sortBytes, (const unsigned long long*) nullptr,
                                          (unsigned long long*) nullptr, (const int*) nullptr, (int*) nullptr,
                                          (int) n, 0, cfg.bits * cfg.d),
          "size the radix sort");
    DevBuf<unsigned char> sortTemp(sortBytes, "alloc radix sort storage");

    cudaEvent_t e0, e1;
    check(cudaEventCreate(&e0), "create event");
    check(cudaEventCreate(&e1), "create event");
    check(cudaEventRecord(e0), "record event");

    Quantiser z = quantiser(cfg);
    codesKernel<<<blocksFor(n, kBlock), kBlock>>>(z, (int) n, q.p, k.p, qCodes.p, kCodes.p, counters.p + 1);
    check(cudaGetLastError(), "launch codes kernel");
    iotaKernel<<<blocksFor(n, kBlock), kBlock>>>(iota.p, (int) n);
    check(cudaGetLastError(), "launch iota kernel");

    SelectCtx s = selectCtx(cfg);
    s.pos = pos.p;
    s.q = q.p;
    s.kv = k.p;
    s.qCodes = qCodes.p;
    s.count = count.p;
    s.selPos = selPos.p;
    s.selDist = selDist.p;
    s.selIdx = selIdx.p;
    for (size_t c = 0; c < nc; c++) {
        s.runCodes[c] = runCodes.p + c * n;
        s.runPos[c] = runPos.p + c * n;
        s.runVec[c] = runVec.p + c * n * d;
        s.runId[c] = runId.p + c * n;
    }
    for (const LevelStep& step : plan.steps) {
        s.keyCount = step.keyCount;
        if (step.keyCount > 0) {
            for (size_t c = 0; c < nc; c++) {
                // stable radix sort of (code, token index): equal codes stay in position order
                check(cub::DeviceRadixSort::SortPairs(sortTemp.p, sortBytes,
                                                      (const unsigned long long*) (kCodes.p + c * n),
                                                      (unsigned long long*) (runCodes.p + c * n), iota.p,
                                                      runId.p + c * n, step.keyCount, 0, cfg.bits * cfg.d),
                      "radix sort of a level's keys");
                gatherRunKernel<<<blocksFor(step.keyCount, kBlock), kBlock>>>(
                    step.keyCount, (int) d, runId.p + c * n, pos.p, k.p, runPos.p + c * n, runVec.p + c * n * d);
                check(cudaGetLastError(), "launch gather kernel");
            }
        }
        selectKernel<<<blocksFor(step.qEnd - step.qBegin, kBlock), kBlock>>>(s, step.qBegin, step.qEnd, counters.p);
        check(cudaGetLastError(), "launch select kernel");
    }

    AttendCtx a = attendCtx(cfg);
    a.q = q.p;
    a.kv = k.p;
    a.v = v.p;
    a.count = count.p;
    a.selDist = selDist.p;
    a.selIdx = selIdx.p;
    a.out = out.p;
    a.nbrW = nbrW.p;
    a.nn = nn.p;
    a.chunkFirst = chunkFirst.p;
    a.chunkSuper = chunkSuper.p;
    if (cfg.meanSlot) {
        a.chunkTotal = chunkTotal.p;
        a.chunkPrefix = chunkPrefix.p;
        a.superPrefix = superPrefix.p;
        a.total = total.p;
        a.ownRun = ownRun.p;
        a.meanBuf = meanBuf.p;
        chunkTotalKernel<<<blocksFor((long long) nChunks * width, kBlock), kBlock>>>(a, nChunks, chunkTotal.p);
        check(cudaGetLastError(), "launch chunk total kernel");
        chunkPrefixKernel<<<blocksFor((long long) nSupers * width, kBlock), kBlock>>>(
            nSupers, (int) width, superFirst.p, chunkTotal.p, chunkPrefix.p, superTotal.p);
        check(cudaGetLastError(), "launch chunk prefix kernel");
        superPrefixKernel<<<blocksFor(width, kBlock), kBlock>>>(nSupers, (int) width, superTotal.p, superPrefix.p,
                                                                total.p);
        check(cudaGetLastError(), "launch super-block prefix kernel");
    }
    attendKernel<<<blocksFor((long long) nChunks * kWarp, kBlock), kBlock>>>(a, nChunks);
    check(cudaGetLastError(), "launch attend kernel");
    check(cudaEventRecord(e1), "record event");
    check(cudaEventSynchronize(e1), "run the forward kernels");
    float ms = 0;
    check(cudaEventElapsedTime(&ms, e0, e1), "read event time");
    cudaEventDestroy(e0);
    cudaEventDestroy(e1);
    st->msDevice = ms;

    unsigned long long hc[2];
    counters.download(hc, 2, "download counters");
    st->rowsWalked = (long long) hc[0];
    st->clamped = (long long) hc[1];
    count.download(io.count, n, "download count");
    selPos.download(io.selPos, n * kk, "download selected positions");
    selDist.download(io.selDist, n * kk, "download selected distances");
    selIdx.download(io.selIdx, n * kk, "download selected indices");
    out.download(io.out, n * dv, "download out");
    nbrW.download(io.nbrW, n * kk, "download weights");
    nn.download(io.nn, n, "download nn");
}

// ---------------------------------------------------------------------------------------------
// Forward, host emulation: the same functions in loops (lanes of a warp run one after another,
// phase by phase, which is what __syncwarp guarantees on the device).
// ---------------------------------------------------------------------------------------------

void forwardHost(const ForwardConfig& cfg, const ForwardIO& io, const Plan& plan, Stats* st) {
    const size_t n = cfg.n, d = cfg.d, nc = cfg.curves;
    const size_t width = d + cfg.dv;
    Quantiser z = quantiser(cfg);
    std::vector<i64> qCodes(nc * n), kCodes(nc * n);
    long long clamped = 0;
    for (size_t i = 0; i < n; i++) {
        clamped += encodeAll(z, io.q + i * d, qCodes.data() + i, n);
        clamped += encodeAll(z, io.k + i * d, kCodes.data() + i, n);
    }
    std::vector<i64> runCodes(nc * n), runPos(nc * n);
    std::vector<int> runId(nc * n);
    std::vector<float> runVec(nc * n * d);
    SelectCtx s = selectCtx(cfg);
    s.pos = io.pos;
    s.q = io.q;
    s.kv = io.k;
    s.qCodes = qCodes.data();
    s.count = io.count;
    s.selPos = io.selPos;
    s.selDist = io.selDist;
    s.selIdx = io.selIdx;
    for (size_t c = 0; c < nc; c++) {
        s.runCodes[c] = runCodes.data() + c * n;
        s.runPos[c] = runPos.data() + c * n;
        s.runVec[c] = runVec.data() + c * n * d;
        s.runId[c] = runId.data() + c * n;
    }
    long long walked = 0;
    for (const LevelStep& step : plan.steps) {
        s.keyCount = step.keyCount;
        for (size_t c = 0; step.keyCount > 0 && c < nc; c++) {
            int* id = runId.data() + c * n;
            const i64* code = kCodes.data() + c * n;
            std::iota(id, id + step.keyCount, 0);
            std::stable_sort(id, id + step.keyCount, [code](int a, int b) { return code[a] < code[b]; });
            for (int r = 0; r < step.keyCount; r++) {
                int t = id[r];
                runCodes[c * n + r] = code[t];
                runPos[c * n + r] = io.pos[t];
                std::copy(io.k + (size_t) t * d, io.k + (size_t) t * d + d, runVec.data() + (c * n + r) * d);
            }
        }
        for (int i = step.qBegin; i < step.qEnd; i++) {
            walked += selectQuery(s, i);
        }
    }

    const int nChunks = plan.nChunks(), nSupers = plan.nSupers();
    AttendCtx a = attendCtx(cfg);
    a.q = io.q;
    a.kv = io.k;
    a.v = io.v;
    a.count = io.count;
    a.selDist = io.selDist;
    a.selIdx = io.selIdx;
    a.out = io.out;
    a.nbrW = io.nbrW;
    a.nn = io.nn;
    a.chunkFirst = plan.chunkFirst.data();
    a.chunkSuper = plan.chunkSuper.data();
    std::vector<double> chunkTotal(nChunks * width), chunkPrefix(nChunks * width), superTotal(nSupers * width),
        superPrefix(nSupers * width), total(width), ownRun(nChunks * width), meanBuf(nChunks * width);
    a.chunkTotal = chunkTotal.data();
    a.chunkPrefix = chunkPrefix.data();
    a.superPrefix = superPrefix.data();
    a.total = total.data();
    a.ownRun = ownRun.data();
    a.meanBuf = meanBuf.data();
    if (cfg.meanSlot) {
        for (int ci = 0; ci < nChunks; ci++) {
            for (size_t w = 0; w < width; w++) {
                double acc = 0.0;
                for (int i = plan.chunkFirst[ci]; i < plan.chunkFirst[ci + 1]; i++) {
                    acc += component(a, i, (int) w);
                }
                chunkTotal[ci * width + w] = acc;
            }
        }
        for (int sb = 0; sb < nSupers; sb++) {
            for (size_t w = 0; w < width; w++) {
                double run = 0.0;
                for (int ci = plan.superFirst[sb]; ci < plan.superFirst[sb + 1]; ci++) {
                    chunkPrefix[ci * width + w] = run;
                    run += chunkTotal[ci * width + w];
                }
                superTotal[sb * width + w] = run;
            }
        }
        for (size_t w = 0; w < width; w++) {
            double run = 0.0;
            for (int sb = 0; sb < nSupers; sb++) {
                superPrefix[sb * width + w] = run;
                run += superTotal[sb * width + w];
            }
            total[w] = run;
        }
    }
    for (int ci = 0; ci < nChunks; ci++) {
        for (int i = plan.chunkFirst[ci]; i < plan.chunkFirst[ci + 1]; i++) {
            for (int w = 0; cfg.meanSlot && w < (int) width; w++) {
                attendMeanComponent(a, ci, i, w);
            }
            for (int lane = 0; lane < kWarp; lane++) {
                attendOutput(a, ci, i, lane, kWarp);
            }
        }
    }
    st->rowsWalked = walked;
    st->clamped = clamped;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

std::string probe(int device, int* count, std::string* description, std::string* message) {
    *count = 0;
    cudaError_t e = cudaGetDeviceCount(count);
    if (e != cudaSuccess) {
        *count = 0;
        *message = cudaGetErrorString(e);
        return cudaGetErrorName(e);
    }
    if (*count == 0) {
        *message = "cudaGetDeviceCount returned 0";
        return "cudaErrorNoDevice";
    }
    if (device < 0 || device >= *count) {
        *message = "device " + std::to_string(device) + " requested, " + std::to_string(*count) + " present";
        return "cudaErrorInvalidDevice";
    }
    try {
        check(cudaSetDevice(device), "select the device");
        cudaDeviceProp prop;
        check(cudaGetDeviceProperties(&prop, device), "read device properties");
        // a kernel must run: catches an architecture the fat binary has no code for
        DevBuf<int> flag(1, "alloc probe flag");
        probeKernel<<<1, 1>>>(flag.p);
        check(cudaGetLastError(), "launch probe kernel");
        int h = 0;
        flag.download(&h, 1, "download probe flag");
        if (h != 42) {
            *message = "probe kernel wrote " + std::to_string(h);
            return "probeKernelFailed";
        }
        char buf[512];
        std::snprintf(buf, sizeof buf, "device %d of %d: %s, compute capability %d.%d, %.1f GiB", device, *count,
                      prop.name, prop.major, prop.minor, prop.totalGlobalMem / (1024.0 * 1024.0 * 1024.0));
        *description = buf;
        return "";
    } catch (const CudaFailure& f) {
        *message = f.what();
        return "cudaProbeFailed";
    }
}

std::string windowBatch(bool emulate, int device, const WindowArgs& a, Stats* st) {
    auto t0 = std::chrono::steady_clock::now();
    WindowCtx c{};
    c.d = a.d;
    c.half = a.half;
    c.k = a.k;
    c.nKeys = a.to - a.from;
    try {
        if (emulate) {
            c.keyPos = a.keyPos + a.from;
            c.keyVec = a.keyVec + (size_t) a.from * a.d;
            c.insShift = a.from;
            c.ins = a.ins;
            c.cutLo = a.cutLo;
            c.cutHi = a.cutHi;
            c.qVec = a.qVec;
            c.count = a.count;
            c.dist = a.dist;
            c.pos = a.pos;
            long long walked = 0;
            for (int q = 0; q < a.nq; q++) {
                walked += windowQuery(c, q);
            }
            st->rowsWalked = walked;
        } else {
            check(cudaSetDevice(device), "select the device");
            const size_t nk = c.nKeys, nq = a.nq, d = a.d, slots = nq * a.k;
            DevBuf<i64> keyPos(nk, "alloc key positions");
            DevBuf<float> keyVec(nk * d, "alloc key vectors");
            DevBuf<int> ins(nq, "alloc insertion points"), count(nq, "alloc count");
            DevBuf<i64> cutLo(nq, "alloc cutLo"), cutHi(nq, "alloc cutHi"), pos(slots, "alloc positions");
            DevBuf<float> qVec(nq * d, "alloc query vectors");
            DevBuf<double> dist(slots, "alloc distances");
            DevBuf<unsigned long long> walked(1, "alloc counter");
            keyPos.upload(a.keyPos + a.from, nk, "upload key positions");
            keyVec.upload(a.keyVec + (size_t) a.from * d, nk * d, "upload key vectors");
            ins.upload(a.ins, nq, "upload insertion points");
            cutLo.upload(a.cutLo, nq, "upload cutLo");
            cutHi.upload(a.cutHi, nq, "upload cutHi");
            qVec.upload(a.qVec, nq * d, "upload query vectors");
            walked.zero("clear counter");
            c.insShift = a.from;
            c.keyPos = keyPos.p;
            c.keyVec = keyVec.p;
            c.ins = ins.p;
            c.cutLo = cutLo.p;
            c.cutHi = cutHi.p;
            c.qVec = qVec.p;
            c.count = count.p;
            c.dist = dist.p;
            c.pos = pos.p;
            cudaEvent_t e0, e1;
            check(cudaEventCreate(&e0), "create event");
            check(cudaEventCreate(&e1), "create event");
            check(cudaEventRecord(e0), "record event");
            if (nq > 0) {
                windowKernel<<<blocksFor(nq, kBlock), kBlock>>>(c, (int) nq, walked.p);
                check(cudaGetLastError(), "launch window kernel");
            }
            check(cudaEventRecord(e1), "record event");
            check(cudaEventSynchronize(e1), "run the window kernel");
            float ms = 0;
            check(cudaEventElapsedTime(&ms, e0, e1), "read event time");
            cudaEventDestroy(e0);
            cudaEventDestroy(e1);
            st->msDevice = ms;
            unsigned long long hw = 0;
            walked.download(&hw, 1, "download counter");
            st->rowsWalked = (long long) hw;
            count.download(a.count, nq, "download count");
            dist.download(a.dist, slots, "download distances");
            pos.download(a.pos, slots, "download positions");
        }
    } catch (const CudaFailure& f) {
        return f.what();
    } catch (const std::bad_alloc&) {
        return "host memory exhausted in the window batch";
    }
    st->msTotal = msSince(t0);
    return "";
}

std::string forward(bool emulate, int device, const ForwardConfig& cfg, const ForwardIO& io, Stats* st) {
    auto t0 = std::chrono::steady_clock::now();
    std::string bad = validate(cfg);
    if (!bad.empty()) {
        return bad;
    }
    try {
        Plan plan = makePlan(cfg, io.pos);
        if (emulate) {
            forwardHost(cfg, io, plan, st);
        } else {
            check(cudaSetDevice(device), "select the device");
            forwardGpu(cfg, io, plan, st);
        }
    } catch (const CudaFailure& f) {
        return f.what();
    } catch (const std::bad_alloc&) {
        return "host memory exhausted in the forward pass";
    }
    st->msTotal = msSince(t0);
    return "";
}

}  // namespace zc
