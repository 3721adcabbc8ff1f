using System;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Security;

namespace Az.StackHCI.Commands
{
    /// <summary>
    /// Takes an access token as a plain string or as the SecureString Az.Accounts 5 returns from
    /// <c>(Get-AzAccessToken).Token</c>, which would otherwise bind as the text "System.Security.SecureString".
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class SecureStringTokenAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            return value is SecureString secure ? Plain(secure) : inputData;
        }

        private static string Plain(SecureString secure)
        {
            var pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
            try
            {
                return Marshal.PtrToStringUni(pointer) ?? "";
            }
            finally
            {
                Marshal.ZeroFreeGlobalAllocUnicode(pointer);
            }
        }
    }
}
