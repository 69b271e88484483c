// procview prints the process as the program sees it: the files mapped in
// its own /proc/self/maps, each with how many mappings it has, and the
// number of loaded objects dl_iterate_phdr reports. It exports a Go
// function, so the shim is active in it (tests/e2e/process_view.sh).
// PROCVIEW_RAW=1 prints every line of the maps as well.
package main

/*
#cgo CFLAGS: -D_GNU_SOURCE
#include <link.h>
#include <stdio.h>

static int count_one(struct dl_phdr_info *info, size_t size, void *p) {
	(*(int *)p)++;
	printf("object %s\n", info->dlpi_name[0] ? info->dlpi_name : "(main)");
	return 0;
}
static int loaded_objects(void) {
	int n = 0;
	dl_iterate_phdr(count_one, &n);
	fflush(stdout);
	return n;
}
extern void goCallback(int);
static void call_back(void) { goCallback(1); }
*/
import "C"

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
)

//export goCallback
func goCallback(n C.int) {}

func main() {
	C.call_back()
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	raw := os.Getenv("PROCVIEW_RAW") == "1" // every line, to see what differs
	counts := map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if raw {
			fmt.Println("line", sc.Text())
		}
		if len(fields) >= 6 && strings.HasPrefix(fields[5], "/") {
			counts[fields[5]]++
		}
	}
	files := make([]string, 0, len(counts))
	for k := range counts {
		files = append(files, k)
	}
	sort.Strings(files)
	for _, k := range files {
		fmt.Printf("mapped %d %s\n", counts[k], k)
	}
	fmt.Printf("objects %d\n", int(C.loaded_objects()))
}
