package merge

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/modfile"

	"github.com/mcp-oauth/mcp-oauth/generator/merge/mergetest"
)

// testBase stands for the directory regeneration keeps base copies in.
const testBase = ".mcp-oauth/base"

// requires returns the requirements of a go.mod as "path version" and
// "path version // indirect" strings.
func requires(t *testing.T, gomod []byte) []string {
	t.Helper()
	f, err := modfile.Parse("go.mod", gomod, nil)
	require.NoError(t, err, "merged go.mod must parse:\n%s", gomod)
	var out []string
	for _, r := range f.Require {
		s := r.Mod.Path + " " + r.Mod.Version
		if r.Indirect {
			s += " // indirect"
		}
		out = append(out, s)
	}
	return out
}

func TestMergeGoModStoreSwitchKeepsUserRequirement(t *testing.T) {
	ours := strings.Replace(mergetest.SQLiteGoMod, "\tmodernc.org/sqlite v1.62.0\n",
		"\tmodernc.org/sqlite v1.62.0\n\t// uuid for request ids\n\tgithub.com/google/uuid v1.6.0\n", 1)
	got, _, err := GoMod(testBase, []byte(mergetest.SQLiteGoMod), []byte(ours), []byte(mergetest.RedisGoMod), nil)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{
		"github.com/modelcontextprotocol/go-sdk v1.8.0",
		"github.com/redis/go-redis/v9 v9.23.0",
		"golang.org/x/oauth2 v0.38.0",
		"github.com/google/uuid v1.6.0",
		"github.com/cespare/xxhash/v2 v2.3.0 // indirect",
		"github.com/google/jsonschema-go v0.3.0 // indirect",
	}, requires(t, got))
	assert.Contains(t, string(got), "// uuid for request ids\n", "the user's comment stays")
	assert.NotContains(t, string(got), "modernc.org")

	// Merging the result again against the new render changes nothing.
	again, _, err := GoMod(testBase, []byte(mergetest.RedisGoMod), got, []byte(mergetest.RedisGoMod), nil)
	require.NoError(t, err)
	assert.Equal(t, string(got), string(again))
}

func TestMergeGoModVersions(t *testing.T) {
	const path = "golang.org/x/oauth2"
	withVersion := func(v string) string {
		return strings.Replace(mergetest.SQLiteGoMod, path+" v0.38.0", path+" "+v, 1)
	}
	tests := []struct {
		name               string
		base, ours, theirs string
		want               string
	}{
		{"generator bumps", "v0.38.0", "v0.38.0", "v0.40.0", "v0.40.0"},
		{"user bumped, generator did not", "v0.38.0", "v0.39.0", "v0.38.0", "v0.39.0"},
		{"user downgraded, generator did not", "v0.38.0", "v0.30.0", "v0.38.0", "v0.30.0"},
		{"both bumped: the higher wins", "v0.38.0", "v0.41.0", "v0.40.0", "v0.41.0"},
		{"both bumped: the generator's is higher", "v0.38.0", "v0.39.0", "v0.40.0", "v0.40.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := GoMod(testBase, []byte(withVersion(tt.base)), []byte(withVersion(tt.ours)), []byte(withVersion(tt.theirs)), nil)
			require.NoError(t, err)
			assert.Contains(t, requires(t, got), path+" "+tt.want)
		})
	}
}

func TestMergeGoModDroppedRequirement(t *testing.T) {
	// The generator drops sqlite. The user had bumped sqlite's libc
	// themselves: that line is theirs now and stays; sqlite itself goes.
	ours := strings.Replace(mergetest.SQLiteGoMod, "modernc.org/libc v1.66.0", "modernc.org/libc v1.67.0", 1)
	got, kept, err := GoMod(testBase, []byte(mergetest.SQLiteGoMod), []byte(ours), []byte(mergetest.RedisGoMod), nil)
	require.NoError(t, err)
	reqs := requires(t, got)
	assert.Contains(t, reqs, "modernc.org/libc v1.67.0 // indirect")
	assert.NotContains(t, reqs, "modernc.org/sqlite v1.62.0")
	assert.Equal(t, []string{"modernc.org/libc"}, kept)
}

func TestMergeGoModKeepsDroppedModuleTheUserImports(t *testing.T) {
	// sqlite pulled in libc indirectly; the user's code imports libc
	// directly without go.mod saying so. Switching to redis must not
	// drop it, nor the generator's other former indirect requirements
	// that libc may need.
	got, kept, err := GoMod(testBase, []byte(mergetest.SQLiteGoMod), []byte(mergetest.SQLiteGoMod), []byte(mergetest.RedisGoMod),
		[]string{"context", "modernc.org/libc/sys/types"})
	require.NoError(t, err)
	reqs := requires(t, got)
	assert.Contains(t, reqs, "modernc.org/libc v1.66.0", "kept, and direct now")
	assert.NotContains(t, reqs, "modernc.org/sqlite v1.62.0", "a direct requirement the user does not import still goes")
	assert.Equal(t, []string{"modernc.org/libc"}, kept)

	// Nothing of the old store imported: nothing kept.
	got, kept, err = GoMod(testBase, []byte(mergetest.SQLiteGoMod), []byte(mergetest.SQLiteGoMod), []byte(mergetest.RedisGoMod), []string{"github.com/google/uuid"})
	require.NoError(t, err)
	assert.Empty(t, kept)
	assert.NotContains(t, string(got), "modernc.org")
}

func TestMergeGoModKeepsDroppedModuleTheUserMadeDirect(t *testing.T) {
	// go mod tidy removed the indirect mark because the user imports it.
	ours := strings.Replace(mergetest.SQLiteGoMod, "modernc.org/libc v1.66.0 // indirect", "modernc.org/libc v1.66.0", 1)
	got, kept, err := GoMod(testBase, []byte(mergetest.SQLiteGoMod), []byte(ours), []byte(mergetest.RedisGoMod), nil)
	require.NoError(t, err)
	assert.Contains(t, requires(t, got), "modernc.org/libc v1.66.0")
	assert.Equal(t, []string{"modernc.org/libc"}, kept)
}

func TestMergeGoModRestoresRemovedGeneratorRequirement(t *testing.T) {
	// Generated code imports the generator's requirements: a requirement
	// the user deleted comes back, or the project would not build.
	ours := strings.Replace(mergetest.SQLiteGoMod, "\tgolang.org/x/oauth2 v0.38.0\n", "", 1)
	got, _, err := GoMod(testBase, []byte(mergetest.SQLiteGoMod), []byte(ours), []byte(mergetest.SQLiteGoMod), nil)
	require.NoError(t, err)
	assert.Contains(t, requires(t, got), "golang.org/x/oauth2 v0.38.0")
}

func TestMergeGoModIndirect(t *testing.T) {
	// The user now imports jsonschema-go directly (go mod tidy dropped the
	// indirect mark): the mark stays off while the generator keeps it.
	ours := strings.Replace(mergetest.SQLiteGoMod, "github.com/google/jsonschema-go v0.3.0 // indirect", "github.com/google/jsonschema-go v0.3.0", 1)
	got, _, err := GoMod(testBase, []byte(mergetest.SQLiteGoMod), []byte(ours), []byte(mergetest.SQLiteGoMod), nil)
	require.NoError(t, err)
	assert.Contains(t, requires(t, got), "github.com/google/jsonschema-go v0.3.0")

	// The generator now requires a module directly that was indirect.
	theirs := strings.Replace(mergetest.SQLiteGoMod, "modernc.org/libc v1.66.0 // indirect", "modernc.org/libc v1.66.0", 1)
	got, _, err = GoMod(testBase, []byte(mergetest.SQLiteGoMod), []byte(mergetest.SQLiteGoMod), []byte(theirs), nil)
	require.NoError(t, err)
	assert.Contains(t, requires(t, got), "modernc.org/libc v1.66.0")
}

func TestMergeGoModDirectives(t *testing.T) {
	set := func(module, goVer string) string {
		s := strings.Replace(mergetest.SQLiteGoMod, "module example.com/srv", "module "+module, 1)
		return strings.Replace(s, "go 1.25.0", "go "+goVer, 1)
	}
	tests := []struct {
		name                  string
		base, ours, theirs    [2]string // module, go
		wantModule, wantGoVer string
	}{
		{"new module path from the answers", [2]string{"example.com/srv", "1.25.0"}, [2]string{"example.com/srv", "1.25.0"}, [2]string{"example.com/new", "1.25.0"}, "example.com/new", "1.25.0"},
		{"user's module path stays", [2]string{"example.com/srv", "1.25.0"}, [2]string{"github.com/me/srv", "1.25.0"}, [2]string{"example.com/srv", "1.25.0"}, "github.com/me/srv", "1.25.0"},
		{"both changed the module path: the answers win", [2]string{"example.com/srv", "1.25.0"}, [2]string{"github.com/me/srv", "1.25.0"}, [2]string{"example.com/new", "1.25.0"}, "example.com/new", "1.25.0"},
		{"user raised go", [2]string{"example.com/srv", "1.25.0"}, [2]string{"example.com/srv", "1.26"}, [2]string{"example.com/srv", "1.25.0"}, "example.com/srv", "1.26"},
		{"generator raised go", [2]string{"example.com/srv", "1.25.0"}, [2]string{"example.com/srv", "1.25.0"}, [2]string{"example.com/srv", "1.25.4"}, "example.com/srv", "1.25.4"},
		{"both raised go: the newer wins", [2]string{"example.com/srv", "1.25.0"}, [2]string{"example.com/srv", "1.25.2"}, [2]string{"example.com/srv", "1.26rc1"}, "example.com/srv", "1.26rc1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := GoMod(testBase, []byte(set(tt.base[0], tt.base[1])), []byte(set(tt.ours[0], tt.ours[1])), []byte(set(tt.theirs[0], tt.theirs[1])), nil)
			require.NoError(t, err)
			f, err := modfile.Parse("go.mod", got, nil)
			require.NoError(t, err)
			assert.Equal(t, tt.wantModule, f.Module.Mod.Path)
			assert.Equal(t, tt.wantGoVer, f.Go.Version)
		})
	}
}

func TestMergeGoModKeepsUserDirectives(t *testing.T) {
	ours := mergetest.SQLiteGoMod + `
toolchain go1.26.8

replace golang.org/x/oauth2 => ../oauth2

exclude golang.org/x/net v0.1.0

tool golang.org/x/tools/cmd/stringer
`
	got, _, err := GoMod(testBase, []byte(mergetest.SQLiteGoMod), []byte(ours), []byte(mergetest.RedisGoMod), nil)
	require.NoError(t, err)
	for _, line := range []string{
		"toolchain go1.26.8",
		"replace golang.org/x/oauth2 => ../oauth2",
		"exclude golang.org/x/net v0.1.0",
		"tool golang.org/x/tools/cmd/stringer",
	} {
		assert.Contains(t, string(got), line+"\n")
	}
}

func TestMergeGoModGeneratorReplace(t *testing.T) {
	const repl = "\nreplace example.com/fork => example.com/fork v1.0.1\n"
	// Added by the generator.
	got, _, err := GoMod(testBase, []byte(mergetest.SQLiteGoMod), []byte(mergetest.SQLiteGoMod), []byte(mergetest.SQLiteGoMod+repl), nil)
	require.NoError(t, err)
	assert.Contains(t, string(got), "replace example.com/fork => example.com/fork v1.0.1")
	// Dropped by the generator.
	got, _, err = GoMod(testBase, []byte(mergetest.SQLiteGoMod+repl), []byte(mergetest.SQLiteGoMod+repl), []byte(mergetest.SQLiteGoMod), nil)
	require.NoError(t, err)
	assert.NotContains(t, string(got), "replace")
	// Dropped by the generator, but the user had pointed it elsewhere.
	userRepl := "\nreplace example.com/fork => ../fork\n"
	got, _, err = GoMod(testBase, []byte(mergetest.SQLiteGoMod+repl), []byte(mergetest.SQLiteGoMod+userRepl), []byte(mergetest.SQLiteGoMod), nil)
	require.NoError(t, err)
	assert.Contains(t, string(got), "replace example.com/fork => ../fork")
}

func TestMergeGoModWithoutBase(t *testing.T) {
	ours := strings.Replace(mergetest.SQLiteGoMod, "\tmodernc.org/sqlite v1.62.0\n", "\tmodernc.org/sqlite v1.62.0\n\tgithub.com/google/uuid v1.6.0\n", 1)
	ours = strings.Replace(ours, "golang.org/x/oauth2 v0.38.0", "golang.org/x/oauth2 v0.39.0", 1)
	got, _, err := GoMod(testBase, nil, []byte(ours), []byte(mergetest.RedisGoMod), nil)
	require.NoError(t, err)
	reqs := requires(t, got)
	assert.Contains(t, reqs, "github.com/google/uuid v1.6.0")
	assert.Contains(t, reqs, "github.com/redis/go-redis/v9 v9.23.0")
	assert.Contains(t, reqs, "golang.org/x/oauth2 v0.39.0", "without a base the higher version is kept")
}

func TestMergeGoModErrorsNameTheFile(t *testing.T) {
	_, _, err := GoMod(testBase, []byte(mergetest.SQLiteGoMod), []byte("module example.com/srv\n\nrequire (\n\tbroken\n)\n"), []byte(mergetest.RedisGoMod), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "go.mod:4")

	_, _, err = GoMod(testBase, []byte("nonsense here\n"), []byte(mergetest.SQLiteGoMod), []byte(mergetest.RedisGoMod), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), testBase+"/go.mod")
}

const (
	sumSysNewer  = "golang.org/x/sys v0.50.0 h1:sys50=\ngolang.org/x/sys v0.50.0/go.mod h1:sys50mod=\n"
	sumSysGenVer = "golang.org/x/sys v0.49.0 h1:sys49=\ngolang.org/x/sys v0.49.0/go.mod h1:sys49mod=\n"
)

func TestMergeGoSum(t *testing.T) {
	base := mergetest.SumSDK + mergetest.SumSQLite + sumSysGenVer
	// The user added uuid, which pulled a newer x/sys.
	ours := mergetest.SumUUID + mergetest.SumSDK + mergetest.SumSQLite + sumSysGenVer + sumSysNewer
	theirs := mergetest.SumRedis + mergetest.SumSDK + sumSysGenVer
	got, err := GoSum(testBase, []byte(base), []byte(ours), []byte(theirs), false)
	require.NoError(t, err)
	want := mergetest.SumUUID + mergetest.SumSDK + mergetest.SumRedis + sumSysGenVer + sumSysNewer
	assert.Equal(t, mergetest.SortedSum(want), string(got))
	assert.NotContains(t, string(got), "modernc.org/sqlite", "the old store's checksums go")
}

func TestMergeGoSumKeepDropped(t *testing.T) {
	// The merged go.mod still requires modules the generator dropped (the
	// user's code imports one): every line of ours stays, since those
	// modules' dependency graph needs them.
	base := mergetest.SumSDK + mergetest.SumSQLite + sumSysGenVer
	got, err := GoSum(testBase, []byte(base), []byte(base), []byte(mergetest.SumSDK+mergetest.SumRedis), true)
	require.NoError(t, err)
	assert.Equal(t, mergetest.SortedSum(mergetest.SumSDK+mergetest.SumRedis+mergetest.SumSQLite+sumSysGenVer), string(got))
}

func TestMergeGoSumWithoutBaseKeepsEverything(t *testing.T) {
	got, err := GoSum(testBase, nil, []byte(mergetest.SumSQLite+mergetest.SumUUID), []byte(mergetest.SumSDK), false)
	require.NoError(t, err)
	assert.Equal(t, mergetest.SortedSum(mergetest.SumUUID+mergetest.SumSDK+mergetest.SumSQLite), string(got))
}

func TestMergeGoSumOrderIsTheGoCommands(t *testing.T) {
	// Semver order, not string order: v0.9.0 before v0.10.0, and a
	// version's /go.mod line right after its own line.
	in := "a.example/m v0.10.0 h1:b=\na.example/m v0.9.0/go.mod h1:c=\na.example/m v0.9.0 h1:a=\n"
	got, err := GoSum(testBase, nil, nil, []byte(in), false)
	require.NoError(t, err)
	assert.Equal(t, "a.example/m v0.9.0 h1:a=\na.example/m v0.9.0/go.mod h1:c=\na.example/m v0.10.0 h1:b=\n", string(got))
}

func TestMergeGoSumMalformed(t *testing.T) {
	_, err := GoSum(testBase, nil, []byte(mergetest.SumSDK+"garbage\n"), []byte(mergetest.SumSDK), false)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "go.sum:3")
}
