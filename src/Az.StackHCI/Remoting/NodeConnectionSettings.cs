using System.Management.Automation;

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

        /// <summary>
        /// How long to wait for a session before calling the node unreachable: long enough for many sessions opened at
        /// once by a busy computer (16 lab nodes on two cores needed more than 30 s), short of hanging on a dead host.
        /// </summary>
        public int ConnectingTimeoutMilliseconds { get; set; } = 60000;
    }
}
