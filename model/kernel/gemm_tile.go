package kernel

// gemmTile computes the tile C[i0:i1, j0:j1]: for each kc-deep slice of k
// pack B's panel once and sweep A over it in mc-row blocks. C is scaled by
// beta first, except that beta 0 lets the first slice store its products
// without reading C.
func gemmTile(ar *gemmArch, s *gemmScratch, p *gemmParams, i0, i1, j0, j1 int) {
	if p.alpha == 0 || p.k == 0 || p.beta != 0 {
		scaleTile(p, i0, i1, j0, j1)
		if p.alpha == 0 || p.k == 0 {
			return
		}
	}
	mr, nr := ar.mr, ar.nr
	for pc := 0; pc < p.k; pc += gemmKC {
		kc := min(gemmKC, p.k-pc)
		set := p.beta == 0 && pc == 0
		packB(ar, s.b, p, j0, j1, pc, kc)
		for ic := i0; ic < i1; ic += gemmMC {
			mc := min(gemmMC, i1-ic)
			// A is read in place when its rows are contiguous in k; a
			// transposed A is packed so each micro-kernel step reads mr
			// neighbouring floats instead of mr distant cache lines, and so
			// are the last rows of A, padded to a full micro-tile.
			var a []float32
			rsa, csa := p.lda, 1
			if p.transA {
				packAT(s.a, p, ic, mc, pc, kc, mr)
				a, rsa, csa = s.a, 1, mr
			} else {
				a = p.a[ic*p.lda+pc:]
				if edge := mc % mr; edge != 0 {
					packAEdge(s.edge, p, ic+mc-edge, edge, pc, kc, mr)
				}
			}
			for jr := j0; jr < j1; jr += nr {
				bs := s.b[(jr-j0)/nr*kc*nr:]
				nrb := min(nr, j1-jr)
				for ir := 0; ir < mc; ir += mr {
					mrb := min(mr, mc-ir)
					as, rs, cs := a, rsa, csa
					switch {
					case p.transA:
						as = a[ir*kc:]
					case mrb < mr:
						as, rs, cs = s.edge, 1, mr
					default:
						as = a[ir*rsa:]
					}
					cOff := (ic+ir)*p.ldc + jr
					if mrb == mr && nrb == nr {
						ar.kernel(kc, as, rs, cs, bs, p.c[cOff:], p.ldc, p.alpha, set)
						continue
					}
					tmp := s.tmp[:mr*nr]
					ar.kernel(kc, as, rs, cs, bs, tmp, nr, p.alpha, true)
					for r := 0; r < mrb; r++ {
						row := p.c[cOff+r*p.ldc : cOff+r*p.ldc+nrb]
						if set {
							copy(row, tmp[r*nr:])
							continue
						}
						for j := range row {
							row[j] += tmp[r*nr+j]
						}
					}
				}
			}
		}
	}
}

// scaleTile multiplies C[i0:i1, j0:j1] by beta; beta 0 clears it.
func scaleTile(p *gemmParams, i0, i1, j0, j1 int) {
	if p.beta == 1 {
		return
	}
	for i := i0; i < i1; i++ {
		row := p.c[i*p.ldc+j0 : i*p.ldc+j1]
		if p.beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= p.beta
		}
	}
}

// packB copies op(B)[pc:pc+kc, j0:j1] into slivers of nr columns, each laid
// out p-major (nr floats per p) and zero-padded past j1.
func packB(ar *gemmArch, dst []float32, p *gemmParams, j0, j1, pc, kc int) {
	nr := ar.nr
	for jr := j0; jr < j1; jr += nr {
		d := dst[(jr-j0)/nr*kc*nr : ((jr-j0)/nr+1)*kc*nr]
		cols := min(nr, j1-jr)
		if p.transB {
			ar.packBT(d, p.b, p.ldb, jr, cols, pc, kc, nr)
			continue
		}
		for q := 0; q < kc; q++ {
			src := p.b[(pc+q)*p.ldb+jr : (pc+q)*p.ldb+jr+cols]
			row := d[q*nr : q*nr+nr]
			copy(row, src)
			clear(row[cols:])
		}
	}
}

// packBTGeneric packs a sliver of a transposed B: column j of op(B) is row j
// of b, so each source row scatters into one lane of the sliver.
func packBTGeneric(d, b []float32, ldb, j0, cols, p0, kc, nr int) {
	for j := 0; j < cols; j++ {
		src := b[(j0+j)*ldb+p0 : (j0+j)*ldb+p0+kc]
		for q, v := range src {
			d[q*nr+j] = v
		}
	}
	for j := cols; j < nr; j++ {
		for q := 0; q < kc; q++ {
			d[q*nr+j] = 0
		}
	}
}

// packAT packs op(A)[i0:i0+mc, pc:pc+kc] of a transposed A into slivers of mr
// rows laid out p-major, zero-padded past mc.
func packAT(dst []float32, p *gemmParams, i0, mc, pc, kc, mr int) {
	for s := 0; s < mc; s += mr {
		d := dst[s*kc : s*kc+mr*kc]
		rows := min(mr, mc-s)
		for q := 0; q < kc; q++ {
			src := p.a[(pc+q)*p.lda+i0+s : (pc+q)*p.lda+i0+s+rows]
			row := d[q*mr : q*mr+mr]
			copy(row, src)
			clear(row[rows:])
		}
	}
}

// packAEdge packs the last rows of an untransposed A (fewer than mr) into
// one zero-padded sliver.
func packAEdge(dst []float32, p *gemmParams, i0, rows, pc, kc, mr int) {
	d := dst[:mr*kc]
	clear(d)
	for r := 0; r < rows; r++ {
		src := p.a[(i0+r)*p.lda+pc : (i0+r)*p.lda+pc+kc]
		for q, v := range src {
			d[q*mr+r] = v
		}
	}
}
