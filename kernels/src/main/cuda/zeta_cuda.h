// zeta-spark CUDA library: the C++ entry points that the JNI glue calls (host pointers in, host
// pointers out). Each entry point runs either on the GPU or, with emulate=true, on the host through
// the very same per-thread functions (zeta_core.cuh) — which is how a machine without a GPU checks
// the kernels' logic against the Java engine bit for bit.
#pragma once

#include <string>

namespace zc {

constexpr int kMaxD = 8;
constexpr int kMaxCurves = 16;

enum KernelType : int { kCauchy = 0, kSoftmax = 1, kInverse = 2 };

// One window batch (io.zetaspark.kernels.WindowBatch): keys [from, to) of one (code, pos)-sorted
// run, nq queries; outputs count[nq], dist/pos[nq*k] best first.
struct WindowArgs {
    int d = 0, half = 0, k = 0;
    const long long* keyPos = nullptr;
    const float* keyVec = nullptr;
    int from = 0, to = 0;
    int nq = 0;
    const int* ins = nullptr;
    const long long* cutLo = nullptr;
    const long long* cutHi = nullptr;
    const float* qVec = nullptr;
    int* count = nullptr;
    double* dist = nullptr;
    long long* pos = nullptr;
};

// The operator's parameters as the Java engine resolved them (ShiftedCurves gives lo, scale,
// halfGrid, maxCell and the shifts, so both sides quantise with the same numbers).
struct ForwardConfig {
    int n = 0, d = 0, dv = 0, k = 0, curves = 0, half = 0, bits = 0;
    long long chunk = 0;
    int kernel = kCauchy;
    bool meanSlot = true, includeSelf = true, causal = true;
    double gammaSq = 0.25, tau = 1.0;
    double lo[kMaxD] = {}, scale[kMaxD] = {};
    double halfGrid = 0.0;
    long long maxCell = 0;
    long long shifts[kMaxCurves * kMaxD] = {};
};

// Host arrays of one sequence (tokens sorted by pos) and of its outputs (the shapes of
// io.zetaspark.kernels.Selection and AttentionResult).
struct ForwardIO {
    const long long* pos = nullptr;
    const float* q = nullptr;
    const float* k = nullptr;
    const float* v = nullptr;
    int* count = nullptr;
    long long* selPos = nullptr;
    double* selDist = nullptr;
    int* selIdx = nullptr;
    float* out = nullptr;
    float* nbrW = nullptr;
    double* nn = nullptr;
};

struct Stats {
    long long rowsWalked = 0;
    long long clamped = 0;
    double msTotal = 0.0;   // wall time of the call inside the library (transfers included)
    double msDevice = 0.0;  // GPU time between the uploads and the downloads (0 when emulated)
};

// Probes the CUDA runtime and driver: returns "" and fills count/description when a device runs a
// test kernel; otherwise returns the CUDA error name, and message holds its text.
std::string probe(int device, int* count, std::string* description, std::string* message);

// Both return "" on success, else an error message.
std::string windowBatch(bool emulate, int device, const WindowArgs& a, Stats* stats);
std::string forward(bool emulate, int device, const ForwardConfig& cfg, const ForwardIO& io, Stats* stats);

}  // namespace zc
