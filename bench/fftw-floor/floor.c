/*
 * FFTW's floor for one Richardson-Lucy iteration (bench/rl.ts, issue 17): the same work as
 * ITK's RichardsonLucyDeconvolutionImageFilter with the elementwise steps done as cheaply as
 * FFTW allows, buffers preallocated, FFTW_ESTIMATE, float:
 *
 *   w = r2c(est) * H;  w = f / (c2r(w) + eps) (0 below 1e-5);  w = r2c(w) * conj(H);  est *= c2r(w)
 *
 * Four transforms of the padded volume per iteration; the elementwise loops run on the same
 * threads (OpenMP) as the transforms. Buffers: the estimate (dense), the work array (FFTW's
 * in-place layout, rows of 2 (nx / 2 + 1)), the transfer function, the padded image.
 *
 *   floor IMAGE.npy PSF.npy NZ NY NX ITERATIONS THREADS
 *
 * Reads float32 C-order .npy files, pads the image to NZ x NY x NX by edge replication
 * (centred, as ITK), prints one JSON line: per_iter_s, setup_s, peak_rss_mib.
 * Build: cc -O2 -fopenmp floor.c -o floor -lfftw3f_threads -lfftw3f -lm
 */
#include <fftw3.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

/* A float32 C-order 3-D .npy file: its data (malloc'd) and shape. */
static float *read_npy(const char *path, long shape[3]) {
  FILE *f = fopen(path, "rb");
  if (!f) { fprintf(stderr, "floor: cannot open %s\n", path); exit(1); }
  unsigned char head[10];
  if (fread(head, 1, 10, f) != 10 || memcmp(head, "\x93NUMPY", 6) != 0 || head[6] != 1) { fprintf(stderr, "floor: %s is not a v1 .npy file\n", path); exit(1); }
  size_t hlen = head[8] | (head[9] << 8);
  char *h = calloc(hlen + 1, 1);
  if (fread(h, 1, hlen, f) != hlen || !strstr(h, "'<f4'")) { fprintf(stderr, "floor: %s must be float32\n", path); exit(1); }
  char *s = strstr(h, "'shape': (");
  if (!s || sscanf(s + 10, "%ld, %ld, %ld", &shape[0], &shape[1], &shape[2]) != 3) { fprintf(stderr, "floor: %s must be 3-D\n", path); exit(1); }
  size_t n = (size_t)shape[0] * shape[1] * shape[2];
  float *d = fftwf_malloc(n * sizeof(float));
  if (fread(d, sizeof(float), n, f) != n) { fprintf(stderr, "floor: %s is short\n", path); exit(1); }
  fclose(f);
  free(h);
  return d;
}

static long clampl(long v, long hi) { return v < 0 ? 0 : v >= hi ? hi - 1 : v; }

int main(int argc, char **argv) {
  if (argc != 8) { fprintf(stderr, "usage: floor IMAGE.npy PSF.npy NZ NY NX ITERATIONS THREADS\n"); return 2; }
  long n[3], k[3], P[3] = { atol(argv[3]), atol(argv[4]), atol(argv[5]) };
  int iters = atoi(argv[6]), threads = atoi(argv[7]);
  double t0 = now();
  float *img = read_npy(argv[1], n), *psf = read_npy(argv[2], k);
  fftwf_init_threads();
  fftwf_plan_with_nthreads(threads);
  omp_set_num_threads(threads);
  const long nx2 = P[2] / 2 + 1, pitch = 2 * nx2, rows = P[0] * P[1];
  const size_t dense = (size_t)rows * P[2], padded = (size_t)rows * pitch;
  float *est = fftwf_malloc(dense * sizeof(float)), *f = fftwf_malloc(dense * sizeof(float));
  float *w = fftwf_malloc(padded * sizeof(float));
  fftwf_complex *H = fftwf_malloc((size_t)rows * nx2 * sizeof(fftwf_complex));
  fftwf_complex *wc = (fftwf_complex *)w;
  fftwf_plan fwd = fftwf_plan_dft_r2c_3d(P[0], P[1], P[2], est, wc, FFTW_ESTIMATE);
  fftwf_plan fwdIn = fftwf_plan_dft_r2c_3d(P[0], P[1], P[2], w, wc, FFTW_ESTIMATE);
  fftwf_plan inv = fftwf_plan_dft_c2r_3d(P[0], P[1], P[2], wc, w, FFTW_ESTIMATE);
  /* The image padded by edge replication, centred; the estimate starts from it (ITK). */
  long lo[3] = { (P[0] - n[0]) / 2, (P[1] - n[1]) / 2, (P[2] - n[2]) / 2 };
  #pragma omp parallel for
  for (long z = 0; z < P[0]; z++)
    for (long y = 0; y < P[1]; y++) {
      const float *src = img + (clampl(z - lo[0], n[0]) * n[1] + clampl(y - lo[1], n[1])) * n[2];
      float *d = f + (z * P[1] + y) * P[2];
      for (long x = 0; x < P[2]; x++) d[x] = src[clampl(x - lo[2], n[2])];
    }
  memcpy(est, f, dense * sizeof(float));
  /* The transfer function: the PSF zero-padded at the origin, transformed (the phase shift
     ITK applies costs nothing per iteration). */
  memset(w, 0, padded * sizeof(float));
  for (long z = 0; z < k[0]; z++)
    for (long y = 0; y < k[1]; y++) memcpy(w + (z * P[1] + y) * pitch, psf + (z * k[1] + y) * k[2], k[2] * sizeof(float));
  fftwf_execute(fwdIn);
  memcpy(H, wc, (size_t)rows * nx2 * sizeof(fftwf_complex));
  const float scale = 1.0f / (float)dense, eps = 1e-12f, fe = 1e-5f;
  double setup = now() - t0;
  printf("{\"per_iter_s\": [");
  for (int it = 0; it < iters; it++) {
    double a = now();
    fftwf_execute(fwd);
    #pragma omp parallel for
    for (long r = 0; r < rows; r++)
      for (long x = 0; x < nx2; x++) {
        fftwf_complex *p = wc + r * nx2 + x, *h = H + r * nx2 + x;
        float re = (*p)[0] * (*h)[0] - (*p)[1] * (*h)[1], im = (*p)[0] * (*h)[1] + (*p)[1] * (*h)[0];
        (*p)[0] = re * scale; (*p)[1] = im * scale;
      }
    fftwf_execute(inv);
    #pragma omp parallel for
    for (long r = 0; r < rows; r++)
      for (long x = 0; x < P[2]; x++) {
        float c = w[r * pitch + x] + eps;
        w[r * pitch + x] = c < fe ? 0.0f : f[r * P[2] + x] / c;
      }
    fftwf_execute(fwdIn);
    #pragma omp parallel for
    for (long r = 0; r < rows; r++)
      for (long x = 0; x < nx2; x++) {
        fftwf_complex *p = wc + r * nx2 + x, *h = H + r * nx2 + x;
        float re = (*p)[0] * (*h)[0] + (*p)[1] * (*h)[1], im = (*p)[1] * (*h)[0] - (*p)[0] * (*h)[1];
        (*p)[0] = re * scale; (*p)[1] = im * scale;
      }
    fftwf_execute(inv);
    #pragma omp parallel for
    for (long r = 0; r < rows; r++)
      for (long x = 0; x < P[2]; x++) est[r * P[2] + x] *= w[r * pitch + x];
    printf("%s%.4f", it ? ", " : "", now() - a);
    fflush(stdout);
  }
  double checksum = 0;
  for (size_t i = 0; i < dense; i += 4099) checksum += est[i];
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("], \"setup_s\": %.3f, \"peak_rss_mib\": %.1f, \"threads\": %d, \"pad_shape\": [%ld, %ld, %ld], \"checksum\": %.6g}\n",
         setup, ru.ru_maxrss / 1024.0, threads, P[0], P[1], P[2], checksum);
  return 0;
}
