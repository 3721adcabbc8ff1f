@{
    RootModule        = 'AzStackHCI.LabNode.psm1'
    ModuleVersion     = '1.0.0'
    GUID              = '3f6b2c7e-5a1d-4e8b-9c0f-7d2e1a4b6c93'
    Author            = 'Az.StackHCI contributors'
    Description       = 'Lab emulation of the node-side commands of an Azure Stack HCI node (FailoverClusters and AzureStackHCI modules). Loaded in the remote sessions of the lab nodes only.'
    PowerShellVersion = '7.4'
    FunctionsToExport = @(
        'Get-Cluster', 'Get-ClusterNode', 'Get-ClusterResource', 'Get-ClusterParameter', 'Get-ItemProperty',
        'Get-AzureStackHCI', 'New-AzureStackHCIRegistrationCertificate', 'Set-AzureStackHCIRegistrationCertificate',
        'Remove-AzureStackHCIRegistrationCertificate', 'Set-AzureStackHCIRegistration', 'Sync-AzureStackHCI',
        'Remove-AzureStackHCIRegistration',
        'Get-AzureStackHCIArcIntegration', 'Initialize-AzureStackHCIArcIntegration', 'Enable-AzureStackHCIArcIntegration',
        'Disable-AzureStackHCIArcIntegration', 'Clear-AzureStackHCIArcIntegration',
        'Get-Item', 'Remove-Item', 'Import-PfxCertificate', 'Invoke-WebRequest', 'Invoke-RestMethod', 'Get-Date', 'Get-CimInstance',
        'Resolve-DnsName'
    )
    CmdletsToExport   = @()
    AliasesToExport   = @()
    VariablesToExport = @()
}
