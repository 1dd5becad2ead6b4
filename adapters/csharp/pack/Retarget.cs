// Build tool for `build.sh dist`: rewrites an assembly that mcs compiled against Mono's mscorlib
// so that it references netstandard 2.1 only (every type reference moves to netstandard, whose
// facade forwards it to the running framework: Mono's mscorlib, or .NET's System.Runtime).
// Usage: mono Retarget.exe IN.dll OUT.dll (with Mono.Cecil on MONO_PATH).
using System;
using System.Linq;
using Mono.Cecil;

internal static class Retarget
{
    private static int Main(string[] args)
    {
        var netstandard = AssemblyNameReference.Parse(
            "netstandard, Version=2.1.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51");
        using (ModuleDefinition module = ModuleDefinition.ReadModule(args[0]))
        {
            foreach (TypeReference t in module.GetTypeReferences())
            {
                var scope = t.Scope as AssemblyNameReference;
                if (scope != null && scope.Name == "mscorlib") t.Scope = netstandard;
            }
            var others = module.AssemblyReferences.Where(r => r.Name != "mscorlib").ToList();
            if (others.Count > 0)
            {
                Console.Error.WriteLine("Retarget: unexpected references: " + string.Join(", ", others.Select(r => r.Name)));
                return 1;
            }
            module.AssemblyReferences.Clear();
            module.AssemblyReferences.Add(netstandard);
            // Declarative security (mcs adds SkipVerification for -unsafe) names mscorlib in a
            // serialized blob; .NET ignores it, so the package's assembly carries none.
            module.Assembly.SecurityDeclarations.Clear();
            module.Write(args[1]);
        }
        return 0;
    }
}
