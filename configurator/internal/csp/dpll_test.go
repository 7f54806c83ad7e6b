package csp

// An independent reference for CNF models: a plain DPLL solver (two watched
// literals, chronological backtracking, no learning; decisions on the
// variable most often involved in conflicts), sharing no code with the
// engine. Literals are DIMACS style: +v / -v for variable v (1-based).

type dpll struct {
	n        int
	clauses  [][]int
	watches  [][]int // per literal index: clauses watching it
	val      []int8  // per variable: 0 unset, 1 true, -1 false
	trail    []int
	activity []int
	prefer   []int8 // per variable: value to try first (1 true, else false)
	active   []int  // variables with activity > 0
}

func newDPLL(n int, clauses [][]int) *dpll {
	d := &dpll{n: n, watches: make([][]int, 2*n+2), val: make([]int8, n+1), activity: make([]int, n+1), prefer: make([]int8, n+1)}
	for _, cl := range clauses {
		d.clauses = append(d.clauses, append([]int(nil), cl...))
	}
	return d
}

func litIndex(l int) int {
	if l > 0 {
		return 2 * l
	}
	return -2*l + 1
}

func (d *dpll) value(l int) int8 {
	if l > 0 {
		return d.val[l]
	}
	return -d.val[-l]
}

func (d *dpll) set(l int) {
	if l > 0 {
		d.val[l] = 1
	} else {
		d.val[-l] = -1
	}
	d.trail = append(d.trail, l)
}

// propagate applies unit propagation from trail position from; false on a
// conflict.
func (d *dpll) propagate(from int) bool {
	for i := from; i < len(d.trail); i++ {
		falseLit := -d.trail[i]
		ws := d.watches[litIndex(falseLit)]
		for j := 0; j < len(ws); {
			cl := d.clauses[ws[j]]
			if cl[0] == falseLit {
				cl[0], cl[1] = cl[1], cl[0]
			}
			if d.value(cl[0]) == 1 {
				j++
				continue
			}
			moved := false
			for k := 2; k < len(cl); k++ {
				if d.value(cl[k]) != -1 {
					cl[1], cl[k] = cl[k], cl[1]
					d.watches[litIndex(cl[1])] = append(d.watches[litIndex(cl[1])], ws[j])
					ws[j] = ws[len(ws)-1]
					ws = ws[:len(ws)-1]
					moved = true
					break
				}
			}
			if moved {
				continue
			}
			switch d.value(cl[0]) {
			case -1:
				d.watches[litIndex(falseLit)] = ws
				for _, l := range cl {
					if l < 0 {
						l = -l
					}
					if d.activity[l] == 0 {
						d.active = append(d.active, l)
					}
					d.activity[l]++
				}
				return false
			case 0:
				d.set(cl[0])
			}
			j++
		}
		d.watches[litIndex(falseLit)] = ws
	}
	return true
}

func (d *dpll) undo(to int) {
	for len(d.trail) > to {
		l := d.trail[len(d.trail)-1]
		d.trail = d.trail[:len(d.trail)-1]
		if l > 0 {
			d.val[l] = 0
		} else {
			d.val[-l] = 0
		}
	}
}

// solve reports whether the clauses and the assumption literals are
// satisfiable, and a model (val[v] for v = 1..n) when they are.
func (d *dpll) solve(assume []int) (bool, []int8) {
	for i := range d.val {
		d.val[i] = 0
	}
	d.trail = d.trail[:0]
	for i := range d.watches {
		d.watches[i] = d.watches[i][:0]
	}
	for ci, cl := range d.clauses {
		switch len(cl) {
		case 0:
			return false, nil
		case 1:
			switch d.value(cl[0]) {
			case -1:
				return false, nil
			case 0:
				d.set(cl[0])
			}
		default:
			d.watches[litIndex(cl[0])] = append(d.watches[litIndex(cl[0])], ci)
			d.watches[litIndex(cl[1])] = append(d.watches[litIndex(cl[1])], ci)
		}
	}
	for _, l := range assume {
		switch d.value(l) {
		case -1:
			return false, nil
		case 0:
			d.set(l)
		}
	}
	if !d.propagate(0) {
		return false, nil
	}
	if !d.search(1) {
		return false, nil
	}
	return true, append([]int8(nil), d.val...)
}

// search decides the variable most involved in conflicts so far, else the
// first unassigned one from index from on (all below from are assigned).
func (d *dpll) search(from int) bool {
	next := 0
	for _, v := range d.active {
		if d.val[v] == 0 && (next == 0 || d.activity[v] > d.activity[next]) {
			next = v
		}
	}
	if next == 0 {
		for from <= d.n && d.val[from] != 0 {
			from++
		}
		if from > d.n {
			return true
		}
		next = from
	}
	first := -next
	if d.prefer[next] == 1 {
		first = next
	}
	for _, l := range [2]int{first, -first} {
		mark := len(d.trail)
		d.set(l)
		if d.propagate(mark) && d.search(from) {
			return true
		}
		d.undo(mark)
	}
	return false
}
