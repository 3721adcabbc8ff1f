using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Az.StackHCI.Core.Nodes
{
    /// <summary>One command the module runs on a node, as NodeCommandCatalogue.json declares it.</summary>
    public sealed class NodeCommandSpec
    {
        internal NodeCommandSpec(string name, bool repeatable, IReadOnlyDictionary<string, string> parameters, IReadOnlyCollection<string> featureDetected, IReadOnlyList<string> select, IReadOnlyList<string> expandOnNode, IReadOnlyCollection<string> pipelineInput, string? definedBy = null)
        {
            DefinedBy = definedBy;
            Name = name;
            Repeatable = repeatable;
            Parameters = parameters;
            FeatureDetected = featureDetected;
            Select = select;
            ExpandOnNode = expandOnNode;
            PipelineInput = pipelineInput;
        }

        public string Name { get; }

        /// <summary>Safe to run again after a passing failure: it reads, or sets a state rather than adding one.</summary>
        public bool Repeatable { get; }

        /// <summary>The real command's parameters, each with its evidence.</summary>
        public IReadOnlyDictionary<string, string> Parameters { get; }

        /// <summary>Parameters only some node builds have: passed only where the node's command has them.</summary>
        public IReadOnlyCollection<string> FeatureDetected { get; }

        /// <summary>The output properties the node sends back; empty: the whole objects.</summary>
        public IReadOnlyList<string> Select { get; }

        /// <summary>Parameters whose %VARIABLE%s the node expands: paths that only the node can spell (%windir%, %ProgramFiles%).</summary>
        public IReadOnlyList<string> ExpandOnNode { get; }

        /// <summary>
        /// The module's own script that defines this command in the node session (a function of this module, not an OS
        /// command); null for the node's own commands.
        /// </summary>
        public string? DefinedBy { get; }

        /// <summary>Commands whose output may be piped into this one on the node, as Microsoft's callers pipe them.</summary>
        public IReadOnlyCollection<string> PipelineInput { get; }
    }

    /// <summary>A call of a catalogued command with parameters it has: the only thing a node session runs.</summary>
    public sealed class NodeInvocation
    {
        internal NodeInvocation(NodeCommandSpec spec, IReadOnlyDictionary<string, object?> parameters, NodeInvocation? input = null)
        {
            Spec = spec;
            Parameters = parameters;
            Input = input;
        }

        public NodeCommandSpec Spec { get; }

        public string Command => Spec.Name;

        public IReadOnlyDictionary<string, object?> Parameters { get; }

        /// <summary>An invocation whose output the node pipes into this command (objects that cannot travel, such as a cluster resource).</summary>
        public NodeInvocation? Input { get; }
    }

    /// <summary>
    /// The one list of commands the module runs on nodes (NodeCommandCatalogue.json, with the evidence for every
    /// parameter): an invocation of anything else, or with a parameter the command does not have, is a bug caught
    /// before it reaches a node.
    /// </summary>
    public static class NodeCommandCatalogue
    {
        private static readonly Lazy<IReadOnlyDictionary<string, NodeCommandSpec>> Specs = new Lazy<IReadOnlyDictionary<string, NodeCommandSpec>>(Load);

        public static IReadOnlyCollection<NodeCommandSpec> All => Specs.Value.Values.ToList();

        public static NodeCommandSpec Get(string command) =>
            Specs.Value.TryGetValue(command, out var spec) ? spec : throw new ArgumentException($"{command} is not in the node command catalogue.", nameof(command));

        /// <summary>An invocation of <paramref name="command"/>; null parameter values are left out.</summary>
        public static NodeInvocation Invocation(string command, IReadOnlyDictionary<string, object?>? parameters = null)
        {
            var spec = Get(command);
            var given = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            foreach (var parameter in parameters ?? new Dictionary<string, object?>())
            {
                if (!spec.Parameters.ContainsKey(parameter.Key))
                {
                    throw new ArgumentException($"{command} has no parameter {parameter.Key} (see NodeCommandCatalogue.json).", nameof(parameters));
                }

                if (parameter.Value is not null)
                {
                    given[parameter.Key] = parameter.Value;
                }
            }

            return new NodeInvocation(spec, given);
        }

        /// <summary><paramref name="input"/>'s output piped into <paramref name="command"/> on the node, where the catalogue allows it.</summary>
        public static NodeInvocation Piped(NodeInvocation input, string command, IReadOnlyDictionary<string, object?>? parameters = null)
        {
            var invocation = Invocation(command, parameters);
            if (!invocation.Spec.PipelineInput.Contains(input.Command, StringComparer.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"{input.Command} is not piped into {command} (see NodeCommandCatalogue.json).", nameof(input));
            }

            return new NodeInvocation(invocation.Spec, invocation.Parameters, input);
        }

        private static IReadOnlyDictionary<string, NodeCommandSpec> Load()
        {
            using var stream = typeof(NodeCommandCatalogue).Assembly.GetManifestResourceStream("Az.StackHCI.Core.Nodes.NodeCommandCatalogue.json")
                ?? throw new InvalidOperationException("The node command catalogue is missing from the engine.");
            using var reader = new StreamReader(stream);
            using var document = JsonDocument.Parse(reader.ReadToEnd());
            var specs = new Dictionary<string, NodeCommandSpec>(StringComparer.OrdinalIgnoreCase);
            foreach (var command in document.RootElement.GetProperty("commands").EnumerateObject())
            {
                var entry = command.Value;
                var parameters = entry.GetProperty("parameters").EnumerateObject()
                    .ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.OrdinalIgnoreCase);
                specs[command.Name] = new NodeCommandSpec(command.Name, entry.GetProperty("repeatable").GetBoolean(), parameters,
                    Strings(entry, "featureDetected"), Strings(entry, "select"), Strings(entry, "expandOnNode"), Strings(entry, "pipelineInput"),
                    entry.TryGetProperty("definedBy", out var definedBy) ? definedBy.GetString() : null);
            }

            return specs;
        }

        private static List<string> Strings(JsonElement entry, string name) =>
            entry.TryGetProperty(name, out var values) ? values.EnumerateArray().Select(v => v.GetString() ?? "").ToList() : new List<string>();
    }
}
