// JNI glue of io.zetaspark.kernels.gpu.ZetaCudaNative: Java arrays in and out of the zc:: entry
// points (zeta_cuda.h). Arrays are taken with Get<Type>ArrayElements, not the critical variant:
// a GPU call can take seconds and must not hold up the garbage collector of an executor's other
// task threads. Errors come back as IllegalStateException with the CUDA error's name and text.
#include <jni.h>

#include <string>

#include "../cuda/zeta_cuda.h"

namespace {

// One Java primitive array's elements for the duration of a call; released on scope exit, written
// back only when it is an output.
class Elements {
public:
    Elements(JNIEnv* env, jlongArray a, bool output) : env_(env), arr_(a), output_(output), type_('J') {
        ptr_ = env->GetLongArrayElements(a, nullptr);
    }
    Elements(JNIEnv* env, jintArray a, bool output) : env_(env), arr_(a), output_(output), type_('I') {
        ptr_ = env->GetIntArrayElements(a, nullptr);
    }
    Elements(JNIEnv* env, jfloatArray a, bool output) : env_(env), arr_(a), output_(output), type_('F') {
        ptr_ = env->GetFloatArrayElements(a, nullptr);
    }
    Elements(JNIEnv* env, jdoubleArray a, bool output) : env_(env), arr_(a), output_(output), type_('D') {
        ptr_ = env->GetDoubleArrayElements(a, nullptr);
    }
    Elements(const Elements&) = delete;
    Elements& operator=(const Elements&) = delete;
    ~Elements() {
        if (!ptr_) {
            return;
        }
        jint mode = output_ ? 0 : JNI_ABORT;
        switch (type_) {
            case 'J':
                env_->ReleaseLongArrayElements((jlongArray) arr_, (jlong*) ptr_, mode);
                break;
            case 'I':
                env_->ReleaseIntArrayElements((jintArray) arr_, (jint*) ptr_, mode);
                break;
            case 'F':
                env_->ReleaseFloatArrayElements((jfloatArray) arr_, (jfloat*) ptr_, mode);
                break;
            default:
                env_->ReleaseDoubleArrayElements((jdoubleArray) arr_, (jdouble*) ptr_, mode);
                break;
        }
    }
    bool ok() const { return ptr_ != nullptr; }
    long long* longs() const { return (long long*) ptr_; }
    int* ints() const { return (int*) ptr_; }
    float* floats() const { return (float*) ptr_; }
    double* doubles() const { return (double*) ptr_; }

private:
    JNIEnv* env_;
    jarray arr_;
    bool output_;
    char type_;
    void* ptr_;
};

void throwState(JNIEnv* env, const std::string& msg) {
    jclass cls = env->FindClass("java/lang/IllegalStateException");
    if (cls) {
        env->ThrowNew(cls, msg.c_str());
    }
}

jstring str(JNIEnv* env, const std::string& s) {
    return env->NewStringUTF(s.c_str());
}

}  // namespace

extern "C" {

// {errorName ("" when usable), message, deviceCount, description}
JNIEXPORT jobjectArray JNICALL Java_io_zetaspark_kernels_gpu_ZetaCudaNative_probe(JNIEnv* env, jclass,
                                                                                  jint device) {
    int count = 0;
    std::string description, message;
    std::string error = zc::probe(device, &count, &description, &message);
    jclass strClass = env->FindClass("java/lang/String");
    jobjectArray r = env->NewObjectArray(4, strClass, nullptr);
    if (!r) {
        return nullptr;
    }
    env->SetObjectArrayElement(r, 0, str(env, error));
    env->SetObjectArrayElement(r, 1, str(env, message));
    env->SetObjectArrayElement(r, 2, str(env, std::to_string(count)));
    env->SetObjectArrayElement(r, 3, str(env, description));
    return r;
}

JNIEXPORT jlong JNICALL Java_io_zetaspark_kernels_gpu_ZetaCudaNative_windowBatch(
    JNIEnv* env, jclass, jboolean emulate, jint device, jint d, jint half, jint k, jlongArray keyPos,
    jfloatArray keyVec, jint from, jint to, jint nq, jintArray ins, jlongArray cutLo, jlongArray cutHi,
    jfloatArray qVec, jintArray count, jdoubleArray dist, jlongArray pos, jdoubleArray timing) {
    std::string err;
    zc::Stats st;
    {
        Elements ePos(env, keyPos, false), eVec(env, keyVec, false), eIns(env, ins, false), eLo(env, cutLo, false),
            eHi(env, cutHi, false), eQ(env, qVec, false), eCount(env, count, true), eDist(env, dist, true),
            eOut(env, pos, true);
        if (!(ePos.ok() && eVec.ok() && eIns.ok() && eLo.ok() && eHi.ok() && eQ.ok() && eCount.ok() && eDist.ok()
              && eOut.ok())) {
            err = "could not access the Java arrays (out of memory)";
        } else {
            zc::WindowArgs a;
            a.d = d;
            a.half = half;
            a.k = k;
            a.keyPos = ePos.longs();
            a.keyVec = eVec.floats();
            a.from = from;
            a.to = to;
            a.nq = nq;
            a.ins = eIns.ints();
            a.cutLo = eLo.longs();
            a.cutHi = eHi.longs();
            a.qVec = eQ.floats();
            a.count = eCount.ints();
            a.dist = eDist.doubles();
            a.pos = eOut.longs();
            err = zc::windowBatch(emulate, device, a, &st);
        }
    }
    if (!err.empty()) {
        throwState(env, "window batch failed: " + err);
        return 0;
    }
    jdouble t[2] = {st.msTotal, st.msDevice};
    env->SetDoubleArrayRegion(timing, 0, 2, t);
    return (jlong) st.rowsWalked;
}

// ip = {n, d, dv, k, curves, half, bits, kernel, meanSlot, includeSelf, causal}
// lp = {chunk, maxCell, shifts[curves * d]...}; dp = {gammaSq, tau, halfGrid, lo[d]..., scale[d]...}
// returns {rowsWalked, clampedComponents}; timing = {msTotal, msDevice}
JNIEXPORT jlongArray JNICALL Java_io_zetaspark_kernels_gpu_ZetaCudaNative_forward(
    JNIEnv* env, jclass, jboolean emulate, jint device, jintArray ip, jdoubleArray dp, jlongArray lp,
    jlongArray pos, jfloatArray q, jfloatArray k, jfloatArray v, jintArray count, jlongArray selPos,
    jdoubleArray selDist, jintArray selIdx, jfloatArray out, jfloatArray nbrW, jdoubleArray nn, jdoubleArray timing) {
    jint iv[11];
    env->GetIntArrayRegion(ip, 0, 11, iv);
    zc::ForwardConfig cfg;
    cfg.n = iv[0];
    cfg.d = iv[1];
    cfg.dv = iv[2];
    cfg.k = iv[3];
    cfg.curves = iv[4];
    cfg.half = iv[5];
    cfg.bits = iv[6];
    cfg.kernel = iv[7];
    cfg.meanSlot = iv[8] != 0;
    cfg.includeSelf = iv[9] != 0;
    cfg.causal = iv[10] != 0;
    if (cfg.d < 1 || cfg.d > zc::kMaxD || cfg.curves < 1 || cfg.curves > zc::kMaxCurves) {
        throwState(env, "forward: d must be in 1..8 and curves in 1..16");
        return nullptr;
    }
    jdouble dpv[3 + 2 * zc::kMaxD];
    env->GetDoubleArrayRegion(dp, 0, 3 + 2 * cfg.d, dpv);
    cfg.gammaSq = dpv[0];
    cfg.tau = dpv[1];
    cfg.halfGrid = dpv[2];
    for (int m = 0; m < cfg.d; m++) {
        cfg.lo[m] = dpv[3 + m];
        cfg.scale[m] = dpv[3 + cfg.d + m];
    }
    jlong lv[2 + zc::kMaxCurves * zc::kMaxD];
    env->GetLongArrayRegion(lp, 0, 2 + cfg.curves * cfg.d, lv);
    if (env->ExceptionCheck()) {
        return nullptr;  // a parameter array was too short
    }
    cfg.chunk = lv[0];
    cfg.maxCell = lv[1];
    for (int i = 0; i < cfg.curves * cfg.d; i++) {
        cfg.shifts[i] = lv[2 + i];
    }
    std::string err;
    zc::Stats st;
    {
        Elements ePos(env, pos, false), eQ(env, q, false), eK(env, k, false), eV(env, v, false),
            eCount(env, count, true), eSelPos(env, selPos, true), eSelDist(env, selDist, true),
            eSelIdx(env, selIdx, true), eOut(env, out, true), eW(env, nbrW, true), eNn(env, nn, true);
        if (!(ePos.ok() && eQ.ok() && eK.ok() && eV.ok() && eCount.ok() && eSelPos.ok() && eSelDist.ok()
              && eSelIdx.ok() && eOut.ok() && eW.ok() && eNn.ok())) {
            err = "could not access the Java arrays (out of memory)";
        } else {
            zc::ForwardIO io;
            io.pos = ePos.longs();
            io.q = eQ.floats();
            io.k = eK.floats();
            io.v = eV.floats();
            io.count = eCount.ints();
            io.selPos = eSelPos.longs();
            io.selDist = eSelDist.doubles();
            io.selIdx = eSelIdx.ints();
            io.out = eOut.floats();
            io.nbrW = eW.floats();
            io.nn = eNn.doubles();
            err = zc::forward(emulate, device, cfg, io, &st);
        }
    }
    if (!err.empty()) {
        throwState(env, "forward failed: " + err);
        return nullptr;
    }
    jdouble t[2] = {st.msTotal, st.msDevice};
    env->SetDoubleArrayRegion(timing, 0, 2, t);
    jlongArray r = env->NewLongArray(2);
    if (r) {
        jlong s[2] = {(jlong) st.rowsWalked, (jlong) st.clamped};
        env->SetLongArrayRegion(r, 0, 2, s);
    }
    return r;
}

}  // extern "C"
