/* The two-core floor of "who owns this TCP port", for comparison with
 * floor.c (one thread) and portown: N threads take processes from a shared
 * counter and readlinkat() every fd against their fd directory's dirfd (no
 * path walk); thread 0 reads /proc/net/tcp and tcp6 first. Every socket link
 * is kept (inode, pid) and matched once all threads are done. Prints the pid
 * of each holder of a socket bound to the local port.
 *
 * It shows how far the kernel's procfs work scales over cores when nothing
 * but the syscalls runs on them (large bench host, 2 cores: 1 thread 0.94 s,
 * 2 threads 0.49 s), which portown, limited to `fs`, cannot use: on libuv's
 * pool each readlink is a request of its own, costing more CPU than it saves
 * the main thread. Not used by the bench; see the README's Benchmarks.
 *
 *   cc -O2 -pthread -o floor-threads scripts/floor-threads.c && ./floor-threads PORT [THREADS]
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_INODES 65536
#define MAX_PIDS (1 << 22)
#define MAX_THREADS 16

static unsigned long inodes[MAX_INODES];
static int n_inodes;
static unsigned port;
static int *pids;
static int n_pids;
static atomic_int next_pid;

struct links {
  int id;
  unsigned long *ino;
  int *pid;
  long n, cap;
};

static void read_table(const char *name) {
  char path[256], line[1024];
  snprintf(path, sizeof path, "/proc/net/%s", name);
  FILE *f = fopen(path, "r");
  if (!f) return;
  while (fgets(line, sizeof line, f)) {
    char local[128];
    unsigned long inode;
    if (sscanf(line, " %*s %127s %*s %*s %*s %*s %*s %*s %*s %lu", local, &inode) != 2) continue;
    char *colon = strrchr(local, ':');
    if (!colon || strtoul(colon + 1, NULL, 16) != port || inode == 0) continue;
    if (n_inodes < MAX_INODES) inodes[n_inodes++] = inode;
  }
  fclose(f);
}

static void keep(struct links *l, unsigned long inode, int pid) {
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 65536;
    l->ino = realloc(l->ino, l->cap * sizeof *l->ino);
    l->pid = realloc(l->pid, l->cap * sizeof *l->pid);
    if (!l->ino || !l->pid) exit(2);
  }
  l->ino[l->n] = inode;
  l->pid[l->n++] = pid;
}

static void *work(void *arg) {
  struct links *l = arg;
  char dir[64], link[256];
  if (l->id == 0) {
    read_table("tcp");
    read_table("tcp6");
  }
  for (;;) {
    int i = atomic_fetch_add(&next_pid, 1);
    if (i >= n_pids) break;
    snprintf(dir, sizeof dir, "/proc/%d/fd", pids[i]);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd < 0) continue;
    int lfd = dup(dfd);
    DIR *d = lfd < 0 ? NULL : fdopendir(lfd);
    if (!d) {
      if (lfd >= 0) close(lfd);
      close(dfd);
      continue;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
      if (e->d_name[0] == '.') continue;
      ssize_t n = readlinkat(dfd, e->d_name, link, sizeof link - 1);
      if (n < 9 || memcmp(link, "socket:[", 8) != 0) continue;
      link[n] = 0;
      keep(l, strtoul(link + 8, NULL, 10), pids[i]);
    }
    closedir(d);
    close(dfd);
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: floor-threads PORT [THREADS]\n");
    return 2;
  }
  port = (unsigned)atoi(argv[1]);
  int nt = argc > 2 ? atoi(argv[2]) : 2;
  if (nt < 1 || nt > MAX_THREADS) nt = 2;
  pids = malloc(MAX_PIDS * sizeof *pids);
  DIR *p = opendir("/proc");
  if (!pids || !p) return 2;
  struct dirent *e;
  while ((e = readdir(p)) && n_pids < MAX_PIDS)
    if (e->d_name[0] >= '0' && e->d_name[0] <= '9') pids[n_pids++] = atoi(e->d_name);
  closedir(p);
  pthread_t t[MAX_THREADS];
  struct links l[MAX_THREADS];
  memset(l, 0, sizeof l);
  for (int i = 0; i < nt; i++) {
    l[i].id = i;
    pthread_create(&t[i], NULL, work, &l[i]);
  }
  for (int i = 0; i < nt; i++) pthread_join(t[i], NULL);
  int found = 0;
  for (int i = 0; i < nt; i++)
    for (long k = 0; k < l[i].n; k++)
      for (int j = 0; j < n_inodes; j++)
        if (l[i].ino[k] == inodes[j]) {
          printf("%d\n", l[i].pid[k]);
          found++;
        }
  return found ? 0 : 1;
}
