/* The single-threaded syscall floor of "who owns this TCP port": read
 * /proc/net/tcp and tcp6 for the inodes bound to the local port, then
 * readlink every fd of every process, one after another, and print
 * "PID FD" for each link to one of those inodes. No threads, no caching.
 * The benchmark (scripts/bench/bench.js) compiles it with cc when there is one and
 * times it next to portown: it is the bar portown's PORT query has to meet.
 *
 *   cc -O2 -o floor scripts/bench/floor.c && ./floor PORT [PROC_ROOT]
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_INODES 4096
static unsigned long inodes[MAX_INODES];
static int n_inodes;

static void read_table(const char *root, const char *name, unsigned port) {
  char path[4096], line[1024];
  snprintf(path, sizeof path, "%s/net/%s", root, name);
  FILE *f = fopen(path, "r");
  if (!f) return;
  while (fgets(line, sizeof line, f)) {
    char local[128];
    unsigned long inode;
    /* sl local rem st tx:rx tr:when retr uid timeout inode */
    if (sscanf(line, " %*s %127s %*s %*s %*s %*s %*s %*s %*s %lu", local, &inode) != 2) continue;
    char *colon = strrchr(local, ':');
    if (!colon || strtoul(colon + 1, NULL, 16) != port || inode == 0) continue;
    if (n_inodes < MAX_INODES) inodes[n_inodes++] = inode;
  }
  fclose(f);
}

static int wanted(unsigned long inode) {
  for (int i = 0; i < n_inodes; i++)
    if (inodes[i] == inode) return 1;
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: floor PORT [PROC_ROOT]\n");
    return 2;
  }
  unsigned port = (unsigned)atoi(argv[1]);
  const char *root = argc > 2 ? argv[2] : "/proc";
  read_table(root, "tcp", port);
  read_table(root, "tcp6", port);
  DIR *procs = opendir(root);
  if (!procs) return 2;
  struct dirent *p;
  char dir[4096], fdpath[4200], link[256];
  int found = 0;
  while ((p = readdir(procs))) {
    if (p->d_name[0] < '0' || p->d_name[0] > '9') continue;
    snprintf(dir, sizeof dir, "%s/%s/fd", root, p->d_name);
    DIR *fds = opendir(dir);
    if (!fds) continue;
    struct dirent *e;
    while ((e = readdir(fds))) {
      if (e->d_name[0] == '.') continue;
      snprintf(fdpath, sizeof fdpath, "%s/%s", dir, e->d_name);
      ssize_t n = readlink(fdpath, link, sizeof link - 1);
      if (n < 9 || memcmp(link, "socket:[", 8) != 0) continue;
      link[n] = 0;
      if (wanted(strtoul(link + 8, NULL, 10))) {
        printf("%s %s\n", p->d_name, e->d_name);
        found++;
      }
    }
    closedir(fds);
  }
  closedir(procs);
  return found ? 0 : 1;
}
