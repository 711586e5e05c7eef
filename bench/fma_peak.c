/* The cores' fp32 arithmetic ceiling, measured: every thread runs independent chains of 256-bit
 * fused multiply-adds (8 lanes x 2 FLOPs each) from registers, no memory traffic; prints the best
 * GFLOP/s of 5 runs. Built and run by bench/bench_bound.py --fma-probe (x86-64 with AVX2 and FMA):
 *     cc -O2 -mavx2 -mfma -fopenmp fma_peak.c -o fma_peak && OMP_NUM_THREADS=2 ./fma_peak
 * Ten independent accumulators per thread (in registers) cover the FMA latency (4-5 cycles) on two FMA units. */
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>

#define CHAINS 10
#define STEPS 20000000L

int main(void) {
    double best = 0.0;
    float keep = 0.0f;
    for (int run = 0; run < 5; run++) {
        double t0 = omp_get_wtime();
#pragma omp parallel reduction(+ : keep)
        {
            const __m256 m = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
            __m256 a0 = _mm256_set1_ps(1.0f), a1 = a0, a2 = a0, a3 = a0, a4 = a0;
            __m256 a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0;
            for (long i = 0; i < STEPS; i++) {
                a0 = _mm256_fmadd_ps(a0, m, c), a1 = _mm256_fmadd_ps(a1, m, c);
                a2 = _mm256_fmadd_ps(a2, m, c), a3 = _mm256_fmadd_ps(a3, m, c);
                a4 = _mm256_fmadd_ps(a4, m, c), a5 = _mm256_fmadd_ps(a5, m, c);
                a6 = _mm256_fmadd_ps(a6, m, c), a7 = _mm256_fmadd_ps(a7, m, c);
                a8 = _mm256_fmadd_ps(a8, m, c), a9 = _mm256_fmadd_ps(a9, m, c);
            }
            __m256 sum = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)),
                                       _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
            sum = _mm256_add_ps(sum, _mm256_add_ps(a8, a9));
            float lanes[8];
            _mm256_storeu_ps(lanes, sum);
            keep += lanes[0];
        }
        double seconds = omp_get_wtime() - t0;
        double gflops = (double)STEPS * CHAINS * 16 * omp_get_max_threads() / seconds / 1e9;
        if (gflops > best) best = gflops;
    }
    printf("%.1f\n", best);
    return keep == 12345.0f; /* keeps the chains from being optimised away */
}
