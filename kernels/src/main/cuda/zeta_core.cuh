// The per-thread rules of ZETA attention (docs/ALGORITHM.md), written once as __host__ __device__
// functions: the CUDA kernels in zeta_forward.cu are thin wrappers that pick a thread's index and
// call them, and the host emulation calls them in plain loops. Each function mirrors a Java class
// named in its comment; they must agree bit for bit.
//
// Floating point: the library is compiled with -fmad=false (device) and -ffp-contract=off (host),
// so no multiply-add is fused and every double expression rounds exactly as Java's does.
#pragma once

#include <cmath>
#include <cstddef>

#include "zeta_cuda.h"

#ifdef __CUDACC__
#define ZC_HD __host__ __device__ __forceinline__
#else
#define ZC_HD inline
#endif

namespace zc {

typedef long long i64;
constexpr i64 kLongMax = 0x7fffffffffffffffLL;

// Distances.squared: double, m = 0..d-1, no FMA.
ZC_HD double sqdist(const float* a, const float* b, int d) {
    double s = 0.0;
    for (int m = 0; m < d; m++) {
        double diff = (double) a[m] - (double) b[m];
        s += diff * diff;
    }
    return s;
}

// Distances.squared(float[], double[]): the mean slot's key is a double point.
ZC_HD double sqdist(const float* a, const double* b, int d) {
    double s = 0.0;
    for (int m = 0; m < d; m++) {
        double diff = (double) a[m] - b[m];
        s += diff * diff;
    }
    return s;
}

// TopK.better: candidate order, smaller distance first, equal distance -> larger position first.
ZC_HD bool better(double d1, i64 p1, double d2, i64 p2) {
    return d1 < d2 || (d1 == d2 && p1 > p2);
}

// TopK: a bounded max-heap (root = worst kept candidate) stored in a query's own output slots, so
// any k works and nothing else is allocated. pay may be null (the window batch keeps no payload).
struct Heap {
    double* dist;
    i64* pos;
    int* pay;
    int k;
    int size;

    ZC_HD bool accepts(double d, i64 p) const {
        return size < k || better(d, p, dist[0], pos[0]);
    }

    ZC_HD bool contains(i64 p) const {
        for (int i = 0; i < size; i++) {
            if (pos[i] == p) {
                return true;
            }
        }
        return false;
    }

    ZC_HD void put(int i, double d, i64 p, int y) {
        dist[i] = d;
        pos[i] = p;
        if (pay) {
            pay[i] = y;
        }
    }

    ZC_HD void move(int to, int from) {
        dist[to] = dist[from];
        pos[to] = pos[from];
        if (pay) {
            pay[to] = pay[from];
        }
    }

    ZC_HD void offer(double d, i64 p, int y) {
        if (size < k) {
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >> 1;
                if (!better(dist[parent], pos[parent], d, p)) {
                    break;
                }
                move(i, parent);
                i = parent;
            }
            put(i, d, p, y);
            return;
        }
        if (!better(d, p, dist[0], pos[0])) {
            return;
        }
        siftDownFromRoot(d, p, y);
    }

    ZC_HD void siftDownFromRoot(double d, i64 p, int y) {
        int i = 0;
        int half = size >> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && better(dist[child], pos[child], dist[right], pos[right])) {
                child = right;  // the worse of the two children
            }
            if (!better(d, p, dist[child], pos[child])) {
                break;
            }
            move(i, child);
            i = child;
        }
        put(i, d, p, y);
    }

    // TopK.drainSorted: heap sort in place, best first; returns the count.
    ZC_HD int sortBestFirst() {
        int n = size;
        for (int end = n - 1; end > 0; end--) {
            double d = dist[end];
            i64 p = pos[end];
            int y = pay ? pay[end] : 0;
            move(end, 0);
            size = end;
            siftDownFromRoot(d, p, y);
        }
        size = n;
        return n;
    }
};

// CurveWindow.insertionPoint: first index in [from, to) whose code is greater than code.
ZC_HD int insertionPoint(const i64* codes, int from, int to, i64 code) {
    int lo = from;
    int hi = to;
    while (lo < hi) {
        int mid = (int) (((unsigned) lo + (unsigned) hi) >> 1);
        if (codes[mid] <= code) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

// CurveWindow.offer. With dedup, a key the heap already holds (met on an earlier curve) is skipped,
// as Java's TopK.offerDistinct does: a key offered before and not held was rejected or evicted
// against a bound that has only tightened since, so it is refused again.
ZC_HD void offerKey(const i64* keyPos, const float* keyVec, const int* keyId, int d, int i, const float* q,
                    Heap& h, bool dedup) {
    double dd = sqdist(q, keyVec + (size_t) i * d, d);
    i64 p = keyPos[i];
    if (!h.accepts(dd, p)) {
        return;
    }
    if (dedup && h.contains(p)) {
        return;
    }
    h.offer(dd, p, keyId ? keyId[i] : i);
}

// CurveWindow.lowerBound: first index in [lo, hi) whose (code, pos) is not below (code, pos).
ZC_HD int lowerBoundCodePos(const i64* codes, const i64* keyPos, int lo, int hi, i64 code, i64 pos) {
    while (lo < hi) {
        int mid = (int) (((unsigned) lo + (unsigned) hi) >> 1);
        if (codes[mid] < code || (codes[mid] == code && keyPos[mid] < pos)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

// CurveWindow.collect: from the insertion point walk outwards over rows [from, to) and offer the
// first half eligible keys (pos < cutLo || pos >= cutHi) on each side; skipped keys do not count.
// With codes (may be null) the walk jumps over an ineligible stretch of a run of equal codes by
// binary search, exactly as the Java walk does. Returns the rows walked.
ZC_HD int collect(const i64* codes, const i64* keyPos, const float* keyVec, const int* keyId, int d, int from, int to,
                  int ins, i64 cutLo, i64 cutHi, int half, const float* q, Heap& h, bool dedup) {
    int walked = 0;
    int taken = 0;
    int i = ins - 1;
    while (i >= from && taken < half) {
        walked++;
        i64 p = keyPos[i];
        if (p < cutLo || p >= cutHi) {
            taken++;
            offerKey(keyPos, keyVec, keyId, d, i, q, h, dedup);
            i--;
        } else if (codes != nullptr && i > from && codes[i - 1] == codes[i] && keyPos[i - 1] >= cutLo) {
            i = lowerBoundCodePos(codes, keyPos, from, i, codes[i], cutLo) - 1;
        } else {
            i--;
        }
    }
    taken = 0;
    i = ins;
    while (i < to && taken < half) {
        walked++;
        i64 p = keyPos[i];
        if (p < cutLo || p >= cutHi) {
            taken++;
            offerKey(keyPos, keyVec, keyId, d, i, q, h, dedup);
            i++;
        } else if (codes != nullptr && i + 1 < to && codes[i + 1] == codes[i] && keyPos[i + 1] < cutHi) {
            i = lowerBoundCodePos(codes, keyPos, i + 1, to, codes[i], cutHi);
        } else {
            i++;
        }
    }
    return walked;
}

// WindowBatch: one query of a batch. Rows are [0, nKeys) of the slice, ins already rebased.
struct WindowCtx {
    int d, half, k, nKeys, insShift;
    const i64* keyPos;
    const float* keyVec;
    const int* ins;
    const i64* cutLo;
    const i64* cutHi;
    const float* qVec;
    int* count;
    double* dist;
    i64* pos;
};

ZC_HD int windowQuery(const WindowCtx& c, int q) {
    Heap h{c.dist + (size_t) q * c.k, c.pos + (size_t) q * c.k, nullptr, c.k, 0};
    int walked = collect(nullptr, c.keyPos, c.keyVec, nullptr, c.d, 0, c.nKeys, c.ins[q] - c.insShift, c.cutLo[q], c.cutHi[q],
                         c.half, c.qVec + (size_t) q * c.d, h, false);
    c.count[q] = h.sortBestFirst();
    return walked;
}

// ShiftedCurves: fixed-range quantiser and shifted Morton codes.
struct Quantiser {
    int d, bits, curves;
    double lo[kMaxD], scale[kMaxD], halfGrid;
    i64 maxCell;
    i64 shifts[kMaxCurves * kMaxD];
};

ZC_HD double scaled(const Quantiser& z, int m, float x) {
    return ((double) x - z.lo[m]) * z.scale[m];
}

ZC_HD i64 cell(const Quantiser& z, int m, float x) {
    double v = scaled(z, m, x);
    if (v < 0) {
        return 0;
    }
    if (v >= z.halfGrid) {
        return z.maxCell;
    }
    return (i64) floor(v);
}

// MortonCodec.encodeGeneral: MSB first, dimension 0 most significant.
ZC_HD i64 morton(const i64* cells, int d, int bits) {
    i64 code = 0;
    for (int t = bits - 1; t >= 0; t--) {
        for (int m = 0; m < d; m++) {
            code = (code << 1) | ((cells[m] >> t) & 1LL);
        }
    }
    return code;
}

// ShiftedCurves.encodeAll: codes of one vector on every curve into out[c * stride]; returns the
// number of clamped components.
ZC_HD int encodeAll(const Quantiser& z, const float* vec, i64* out, size_t stride) {
    int clamped = 0;
    i64 base[kMaxD];
    for (int m = 0; m < z.d; m++) {
        double v = scaled(z, m, vec[m]);
        if (v < 0 || v >= z.halfGrid) {
            clamped++;
        }
        base[m] = cell(z, m, vec[m]);
    }
    i64 cells[kMaxD];
    for (int c = 0; c < z.curves; c++) {
        for (int m = 0; m < z.d; m++) {
            cells[m] = base[m] + z.shifts[c * z.d + m];
        }
        out[(size_t) c * stride] = morton(cells, z.d, z.bits);
    }
    return clamped;
}

// Chunk search in tokens sorted by position: first index in [lo, hi) whose chunk is >= chunk
// (strict=false) or > chunk (strict=true).
ZC_HD int firstChunkIndex(const i64* pos, int lo, int hi, i64 m, i64 chunk, bool strict) {
    while (lo < hi) {
        int mid = (int) (((unsigned) lo + (unsigned) hi) >> 1);
        i64 c = pos[mid] / m;
        if (strict ? c <= chunk : c < chunk) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

// ZetaAttention.select for one query: own chunk exact, then every curve's window over the level's
// sorted runs (keyCount > 0), best k of the deduplicated union, best first.
struct SelectCtx {
    int n, d, k, curves, half;
    i64 m;
    bool causal, self;
    const i64* pos;
    const float* q;
    const float* kv;
    const i64* qCodes;  // [c * n + i]
    int keyCount;
    const i64* runCodes[kMaxCurves];
    const i64* runPos[kMaxCurves];
    const float* runVec[kMaxCurves];
    const int* runId[kMaxCurves];
    int* count;
    i64* selPos;
    double* selDist;
    int* selIdx;
};

ZC_HD i64 selectQuery(const SelectCtx& c, int i) {
    int d = c.d;
    i64 chunk = c.pos[i] / c.m;
    const float* q = c.q + (size_t) i * d;
    Heap h{c.selDist + (size_t) i * c.k, c.selPos + (size_t) i * c.k, c.selIdx + (size_t) i * c.k, c.k, 0};
    int chunkStart = firstChunkIndex(c.pos, 0, i, c.m, chunk, false);
    int ownEnd = c.causal ? (c.self ? i + 1 : i) : firstChunkIndex(c.pos, i, c.n, c.m, chunk, true);
    for (int j = chunkStart; j < ownEnd; j++) {
        if (!c.self && j == i) {
            continue;
        }
        h.offer(sqdist(q, c.kv + (size_t) j * d, d), c.pos[j], j);
    }
    i64 walked = 0;
    if (c.keyCount > 0) {
        i64 cutLo = chunk * c.m;
        i64 cutHi = c.causal || cutLo > kLongMax - c.m ? kLongMax : cutLo + c.m;
        for (int cv = 0; cv < c.curves; cv++) {
            int ins = insertionPoint(c.runCodes[cv], 0, c.keyCount, c.qCodes[(size_t) cv * c.n + i]);
            walked += collect(c.runCodes[cv], c.runPos[cv], c.runVec[cv], c.runId[cv], d, 0, c.keyCount, ins, cutLo, cutHi, c.half, q,
                              h, true);
        }
    }
    c.count[i] = h.sortBestFirst();
    return walked;
}

// Attention and HierarchicalSum. The mean slot's sums are rebuilt in Java's exact order: within a
// chunk in position order (a running sum per chunk), chunk totals in chunk order within a
// super-block (chunkPrefix), super-block totals in order (superPrefix), prefix = (A + B) + C.
// Chunks and super-blocks are numbered compactly (non-empty ones only; empty ones add nothing in
// Java either). One warp walks one chunk's tokens in order; lanes split the d + dv components.
struct AttendCtx {
    int n, d, dv, k, width;
    bool causal, self, meanSlot;
    int kernel;
    double gammaSq, tau;
    const float* q;
    const float* kv;
    const float* v;
    const int* count;
    const double* selDist;
    const int* selIdx;
    float* out;
    float* nbrW;
    double* nn;
    const int* chunkFirst;  // [nChunks + 1] first token of each non-empty chunk
    const int* chunkSuper;  // [nChunks] compact super-block of each chunk
    const double* chunkTotal;   // [nChunks * width]
    const double* chunkPrefix;  // [nChunks * width] chunk totals before it in its super-block
    const double* superPrefix;  // [nSupers * width] super-block totals before it
    const double* total;        // [width] whole sequence (bidirectional)
    double* ownRun;             // [nChunks * width] scratch: running sum of the chunk so far
    double* meanBuf;            // [nChunks * width] scratch: mean key and value of the current token
};

ZC_HD double component(const AttendCtx& c, int i, int w) {
    return w < c.d ? (double) c.kv[(size_t) i * c.d + w] : (double) c.v[(size_t) i * c.dv + (w - c.d)];
}

// Number of keys in the mean slot of query i (token index = keys before it in position order).
ZC_HD long long eligibleCount(const AttendCtx& c, int i) {
    if (c.causal) {
        return c.self ? (long long) i + 1 : (long long) i;
    }
    return c.self ? (long long) c.n : (long long) c.n - 1;
}

// Phase 1 of token i (chunk ci), component w (one lane's share): update the chunk's running sum and
// write the mean's component to meanBuf.
ZC_HD void attendMeanComponent(const AttendCtx& c, int ci, int i, int w) {
    size_t slot = (size_t) ci * c.width + w;
    double sum;
    if (c.causal) {
        double a = c.superPrefix[(size_t) c.chunkSuper[ci] * c.width + w];
        double b = c.chunkPrefix[slot];
        double own = c.ownRun[slot];
        if (c.self) {
            own += component(c, i, w);
            c.ownRun[slot] = own;
            sum = (a + b) + own;
        } else {
            // the exclusive prefix: HierarchicalSum.advanceTo closes the previous chunk first, so at a
            // chunk's first token it is (A + B) of this chunk with an empty own run
            sum = (a + b) + own;
            c.ownRun[slot] = own + component(c, i, w);
        }
    } else {
        sum = c.self ? c.total[w] : c.total[w] - component(c, i, w);
    }
    long long eligible = eligibleCount(c, i);
    c.meanBuf[slot] = eligible > 0 ? sum / (double) eligible : 0.0;
}

// Attention.weight
ZC_HD double weight(const AttendCtx& c, double delta, double ref) {
    switch (c.kernel) {
        case kSoftmax:
            return exp(-(delta - ref) / c.tau);
        case kInverse:
            return 1.0 / (sqrt(delta) + 1e-6);
        default:
            return 1.0 / (delta + c.gammaSq);
    }
}

// Phase 2 of token i (chunk ci) for one lane of `lanes`: weights in candidate order, then the mean
// slot; the lane writes output components t = lane, lane + lanes, ... and weights j likewise.
ZC_HD void attendOutput(const AttendCtx& c, int ci, int i, int lane, int lanes) {
    int cnt = c.count[i];
    size_t sel = (size_t) i * c.k;
    bool hasMean = c.meanSlot && eligibleCount(c, i) > 0;
    const double* mean = c.meanBuf + (size_t) ci * c.width;
    double meanDist = 0.0;
    if (hasMean) {
        meanDist = sqdist(c.q + (size_t) i * c.d, mean, c.d);
    }
    double ref = INFINITY;
    if (c.kernel == kSoftmax) {
        for (int j = 0; j < cnt; j++) {
            ref = fmin(ref, c.selDist[sel + j]);
        }
        if (hasMean) {
            ref = fmin(ref, meanDist);
        }
    }
    double total = 0.0;
    for (int j = 0; j < cnt; j++) {
        total += weight(c, c.selDist[sel + j], ref);
    }
    double meanW = 0.0;
    if (hasMean) {
        meanW = weight(c, meanDist, ref);
        total += meanW;
    }
    for (int t = lane; t < c.dv; t += lanes) {
        double num = 0.0;
        for (int j = 0; j < cnt; j++) {
            double w = weight(c, c.selDist[sel + j], ref);
            num += w * (double) c.v[(size_t) c.selIdx[sel + j] * c.dv + t];
        }
        if (hasMean) {
            num += meanW * mean[c.d + t];
        }
        c.out[(size_t) i * c.dv + t] = total > 0.0 ? (float) (num / total) : 0.0f;
    }
    if (total > 0.0) {
        for (int j = lane; j < cnt; j += lanes) {
            c.nbrW[sel + j] = (float) (weight(c, c.selDist[sel + j], ref) / total);
        }
    }
    if (lane == 0) {
        c.nn[i] = cnt == 0 ? INFINITY : sqrt(c.selDist[sel]);
    }
}

}  // namespace zc
