namespace Az.StackHCI.Remoting
{
    /// <summary>How the commands that reach nodes choose their PowerShell remoting transport.</summary>
    public enum NodeTransport
    {
        /// <summary>WinRM on Windows, SSH elsewhere.</summary>
        Default,
        WSMan,
        SSH,
    }
}
