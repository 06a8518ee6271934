// Socket links in typed arrays, for the two places that keep many of them:
// the owner index of a full listing (owner_index.ts) and the unnamed links of
// the pipelined query (socket_links.ts). Per link: the inode (below 2^32, as
// every kernel makes them), who holds it (a pid, or an index the caller
// keeps), the fd, and a thread id only once a link has one: 12 bytes, 16 with
// threads.
//
// Links go into chunks of CHUNK. Full chunks are never copied; only the first
// one starts small (1,024 links, for a small host) and grows by copying up to
// CHUNK. An index grown by doubling left each outgrown copy allocated until a
// full GC, which a short run never makes.

const CHUNK_BITS = 14;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;
const FIRST = 1024;

interface Chunk {
  inode: Uint32Array;
  holder: Uint32Array;
  fd: Uint32Array;
  /** Made once a link with a thread id lands in the chunk. */
  tid: Uint32Array | null;
}

function newChunk(size: number): Chunk {
  return { inode: new Uint32Array(size), holder: new Uint32Array(size), fd: new Uint32Array(size), tid: null };
}

export class LinkColumns {
  private chunks: Chunk[] = [newChunk(FIRST)];
  /** Links kept; link i is at chunk i >>> CHUNK_BITS, slot i & MASK. */
  length = 0;

  push(inode: number, holder: number, fd: number, tid: number): void {
    const c = this.room();
    const k = this.length & MASK;
    c.inode[k] = inode;
    c.holder[k] = holder;
    c.fd[k] = fd;
    if (tid !== 0) {
      if (c.tid === null) c.tid = new Uint32Array(c.inode.length);
      c.tid[k] = tid;
    }
    this.length++;
  }

  inode(i: number): number {
    return this.chunks[i >>> CHUNK_BITS].inode[i & MASK];
  }

  holder(i: number): number {
    return this.chunks[i >>> CHUNK_BITS].holder[i & MASK];
  }

  fd(i: number): number {
    return this.chunks[i >>> CHUNK_BITS].fd[i & MASK];
  }

  tid(i: number): number {
    const t = this.chunks[i >>> CHUNK_BITS].tid;
    return t === null ? 0 : t[i & MASK];
  }

  /** The chunk link `length` goes into, made or grown as needed. */
  private room(): Chunk {
    const at = this.length >>> CHUNK_BITS;
    if (at === this.chunks.length) this.chunks.push(newChunk(CHUNK));
    const c = this.chunks[at];
    if ((this.length & MASK) < c.inode.length) return c;
    const g = newChunk(Math.min(CHUNK, c.inode.length * 2));
    g.inode.set(c.inode);
    g.holder.set(c.holder);
    g.fd.set(c.fd);
    if (c.tid !== null) {
      g.tid = new Uint32Array(g.inode.length);
      g.tid.set(c.tid);
    }
    this.chunks[at] = g;
    return g;
  }
}
