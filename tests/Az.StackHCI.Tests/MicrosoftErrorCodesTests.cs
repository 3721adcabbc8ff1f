using Az.StackHCI.Core.Operations;
using Xunit;

namespace Az.StackHCI.Tests;

/// <summary>-IsWAC's WacErrorCode: Microsoft's event id where its module refuses the same thing, nothing otherwise.</summary>
public class MicrosoftErrorCodesTests
{
    [Theory]
    [InlineData("RegionNotSupported", "9108")]
    [InlineData("RegistrationInfoNotFound", "9115")]
    [InlineData("SetRegistrationFailed", "1")]
    public void Maps_our_error_id_to_Microsofts_code(string errorId, string code) => Assert.Equal(code, MicrosoftErrorCodes.For(errorId));

    [Fact]
    public void Has_no_code_for_a_refusal_Microsoft_does_not_make() => Assert.Null(MicrosoftErrorCodes.For("NodeClockSkewed"));
}
