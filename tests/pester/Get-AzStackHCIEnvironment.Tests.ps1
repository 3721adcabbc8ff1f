BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
}

Describe 'Get-AzStackHCIEnvironment' {
    It 'lists the built-in clouds as typed objects' {
        $environments = Get-AzStackHCIEnvironment | Where-Object Type -EQ 'BuiltIn'
        $environments.Name | Should -Be @('AzureCloud', 'AzureChinaCloud', 'AzureUSGovernment', 'AzurePPE', 'AzureCanary')
        $environments | ForEach-Object { $_.GetType().FullName | Should -Be 'Az.StackHCI.Models.AzStackHCIEnvironment' }
    }

    It 'gives <Name> the endpoints Microsoft''s module uses' -ForEach @(
        @{ Name = 'AzureCloud'; Arm = 'https://management.azure.com/'; Authority = 'https://login.microsoftonline.com/'; GraphScope = 'https://graph.microsoft.com/.default'; Hci = 'https://dp.stackhci.azure.com/'; Billing = 'https://azurestackhci-usage.trafficmanager.net/.default'; Portal = 'https://portal.azure.com/'; Region = 'eastus' }
        @{ Name = 'AzureChinaCloud'; Arm = 'https://management.chinacloudapi.cn/'; Authority = 'https://login.partner.microsoftonline.cn/'; GraphScope = 'https://microsoftgraph.chinacloudapi.cn/.default'; Hci = 'https://dp.stackhci.azure.cn/'; Billing = '1322e676-dee7-41ee-a874-ac923822781c/.default'; Portal = 'https://portal.azure.cn/'; Region = 'chinaeast2' }
        @{ Name = 'AzureUSGovernment'; Arm = 'https://management.usgovcloudapi.net/'; Authority = 'https://login.microsoftonline.us/'; GraphScope = 'https://graph.microsoft.us/.default'; Hci = 'https://dp.azurestackhci.azure.us/'; Billing = 'https://dp.azurestackhci.azure.us/.default'; Portal = 'https://portal.azure.us/'; Region = 'usgovvirginia' }
        @{ Name = 'AzurePPE'; Arm = 'https://api-dogfood.resources.windows-int.net/'; Authority = 'https://login.windows-ppe.net/'; GraphScope = 'https://graph.ppe.windows.net/.default'; Hci = 'https://azurestackhci-df.azurefd.net/'; Billing = 'https://azurestackhci-usage-df.azurewebsites.net/.default'; Portal = 'https://df.onecloud.azure-test.net/'; Region = 'westus' }
        @{ Name = 'AzureCanary'; Arm = 'https://eastus2euap.management.azure.com/'; Authority = 'https://login.microsoftonline.com/'; GraphScope = 'https://graph.microsoft.com/.default'; Hci = 'https://dp.stackhci.azure.com/'; Billing = 'https://azurestackhci-usage.trafficmanager.net/.default'; Portal = 'https://portal.azure.com/?feature.armendpointprefix=eastus2euap'; Region = 'eastus2euap' }
    ) {
        $environment = Get-AzStackHCIEnvironment -Name $Name
        $environment.ResourceManagerEndpoint | Should -Be $Arm
        $environment.ActiveDirectoryAuthority | Should -Be $Authority
        $environment.GraphScope | Should -Be $GraphScope
        $environment.HciServiceEndpoint | Should -Be $Hci
        $environment.BillingServiceApiScope | Should -Be $Billing
        $environment.PortalUrl | Should -Be $Portal
        $environment.DefaultRegion | Should -Be $Region
    }

    It 'matches names case-insensitively and with wildcards' {
        (Get-AzStackHCIEnvironment -Name azurecloud).Name | Should -Be 'AzureCloud'
        (Get-AzStackHCIEnvironment -Name 'Azure*Cloud').Name | Should -Be @('AzureCloud', 'AzureChinaCloud')
    }

    It 'takes names from the pipeline, by value and by property name' {
        ('AzurePPE', 'AzureCanary' | Get-AzStackHCIEnvironment).Name | Should -Be @('AzurePPE', 'AzureCanary')
        ([pscustomobject]@{ EnvironmentName = 'AzureCloud' } | Get-AzStackHCIEnvironment).Name | Should -Be 'AzureCloud'
    }

    It 'reports an unknown name with a stable error id and goes on' {
        $found = Get-AzStackHCIEnvironment -Name 'NoSuchCloud', 'AzureCloud' -ErrorVariable problems -ErrorAction SilentlyContinue
        $found.Name | Should -Be 'AzureCloud'
        $problems.FullyQualifiedErrorId | Should -Be 'EnvironmentNotFound,Az.StackHCI.Commands.GetAzStackHCIEnvironmentCommand'
        $problems.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $problems.TargetObject | Should -Be 'NoSuchCloud'
    }

    It 'returns nothing, and no error, for a wildcard that matches nothing' {
        Get-AzStackHCIEnvironment -Name 'Nothing*' -ErrorVariable problems | Should -BeNullOrEmpty
        $problems | Should -BeNullOrEmpty
    }

    It 'completes -Name with environment names' {
        $line = 'Get-AzStackHCIEnvironment -Name AzureC'
        $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completion.CompletionMatches.CompletionText | Should -Be @('AzureCloud', 'AzureChinaCloud', 'AzureCanary')
    }

    It 'formats as a table with name, type, region and endpoints' {
        $table = Get-AzStackHCIEnvironment -Name AzureCloud | Format-Table | Out-String
        $table | Should -Match 'Name\s+Type\s+DefaultRegion\s+ResourceManagerEndpoint'
        $table | Should -Match 'AzureCloud\s+BuiltIn\s+eastus\s+https://management.azure.com/'
    }

    It 'shows every endpoint in a list' {
        $list = Get-AzStackHCIEnvironment -Name AzureCloud | Format-List | Out-String
        $list | Should -Match 'GraphScope\s+: https://graph.microsoft.com/.default'
        $list | Should -Match 'HciServiceEndpoint\s+: https://dp.stackhci.azure.com/'
    }
}
