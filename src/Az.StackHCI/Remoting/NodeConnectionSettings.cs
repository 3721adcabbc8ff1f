using System.Management.Automation;
using System.Management.Automation.Remoting;
using System.Management.Automation.Runspaces;

namespace Az.StackHCI.Remoting
{
    /// <summary>How to reach nodes: the transport and the identity to present.</summary>
    internal sealed class NodeConnectionSettings
    {
        /// <summary>SSH (New-PSSession -HostName) or WinRM (-ComputerName); default: WinRM on Windows, SSH elsewhere.</summary>
        public bool UseSsh { get; set; } = !System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows);

        public string? UserName { get; set; }

        public string? KeyFilePath { get; set; }

        /// <summary>WinRM credential (SSH authenticates by key or agent).</summary>
        public PSCredential? Credential { get; set; }

        /// <summary>WinRM over HTTPS (New-PSSession -UseSSL).</summary>
        public bool UseSsl { get; set; }

        /// <summary>The nodes' WinRM or SSH port; null: the transport's default.</summary>
        public int? Port { get; set; }

        /// <summary>WinRM authentication (New-PSSession -Authentication); null: PowerShell's default (Negotiate).</summary>
        public AuthenticationMechanism? Authentication { get; set; }

        /// <summary>The caller's $PSSessionOption (or -SessionOption) for WinRM sessions; the private runspace that opens them does not see the caller's variables.</summary>
        public PSSessionOption? SessionOption { get; set; }

        /// <summary>
        /// How long to wait for a session before calling the node unreachable: long enough for many sessions opened at
        /// once by a busy computer (16 lab nodes on two cores needed more than 30 s), short of hanging on a dead host.
        /// </summary>
        public int ConnectingTimeoutMilliseconds { get; set; } = 60000;
    }
}
